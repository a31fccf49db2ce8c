#!/usr/bin/env node
// The `orgtrail` command: runs the CLI compiled ahead of time (dist/cli/, scripts/build-cli.mjs)
// when it was built from the sources as they are now, else loads the TypeScript through tsx
// (shares lib/ with the server either way). ORGTRAIL_CLI_TRACE=1 says on stderr which ran and why.
import { pathToFileURL } from "node:url";
import { compiledEntry, staleReason } from "./compiled-cli.mjs";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const stale = staleReason();
const trace = process.env.ORGTRAIL_CLI_TRACE === "1";
let main;
if (stale === null) {
  if (trace) process.stderr.write(`orgtrail: running the compiled CLI (${compiledEntry()})\n`);
  ({ main } = await import(pathToFileURL(compiledEntry()).href));
} else {
  if (trace) process.stderr.write(`orgtrail: running the CLI through tsx (the compiled one is not used: ${stale})\n`);
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("./cli.ts"));
}
process.exitCode = await main(process.argv);
