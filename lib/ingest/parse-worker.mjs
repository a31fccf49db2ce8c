// Entry of a parse worker thread: loads the TypeScript worker through tsx, the way
// bin/orgtrail.mjs loads the CLI (a worker does not inherit the loader its parent registered).
import { register } from "tsx/esm/api";

register();
await import("./parse-worker.ts");
