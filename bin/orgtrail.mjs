#!/usr/bin/env node
// The `orgtrail` command: loads the TypeScript CLI through tsx so it shares lib/ with the server.
import { register } from "tsx/esm/api";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";
register();
const { main } = await import("./cli.ts");
process.exitCode = await main(process.argv);
