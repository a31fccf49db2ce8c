/**
 * A parse worker (lib/ingest/parallel-parse.ts): parses the units it is sent
 * (lib/ingest/parse-unit.ts) and posts them back.
 */
import { parentPort } from "node:worker_threads";
import type { ParseUnit } from "./parallel-parse";
import { parseUnit } from "./parse-unit";

const port = parentPort;
if (port) {
  port.on("message", (unit: ParseUnit) => {
    parseUnit(unit).then(
      (result) => port.postMessage(result),
      (error: unknown) => port.postMessage({ id: unit.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
