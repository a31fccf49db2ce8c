/**
 * A parse worker (lib/ingest/parallel-parse.ts): splits one unit of whole NDJSON lines,
 * parses and normalizes them (JSON.parse, canonical JSON, SHA-256) and returns the events as
 * one flat array, with line numbers relative to the unit.
 */
import { parentPort } from "node:worker_threads";
import { ndjsonLines } from "../audit/ndjson-lines";
import { EVENT_FIELDS, type ParseUnit, type ParsedUnit } from "./parallel-parse";
import { parseEventLine } from "./parse-line";

const NEWLINE = 0x0a;
const LEADING_NEWLINE = new Uint8Array([NEWLINE]);

async function* source(unit: ParseUnit): AsyncGenerator<Uint8Array> {
  // Only the stream's first line may carry a BOM: any other unit starts with an empty line
  // (skipped as blank) so ndjsonLines never sees its first line as the stream's first.
  if (!unit.first) yield LEADING_NEWLINE;
  yield unit.bytes;
}

export async function parseUnit(unit: ParseUnit): Promise<ParsedUnit> {
  const shift = unit.first ? 0 : 1;
  let lines = 0;
  for (let i = unit.bytes.indexOf(NEWLINE); i !== -1; i = unit.bytes.indexOf(NEWLINE, i + 1)) lines++;
  if (unit.bytes.length > 0 && unit.bytes[unit.bytes.length - 1] !== NEWLINE) lines++;
  const out: ParsedUnit = { id: unit.id, lines, lastLine: 0, bytes: 0, skipped: 0, rejects: [], events: [] };
  for await (const line of ndjsonLines(source(unit), unit.maxLineBytes)) {
    const lineNo = line.lineNo - shift;
    out.lastLine = lineNo;
    out.bytes += line.bytes + 1;
    if ("error" in line) {
      out.rejects.push(lineNo, line.error, line.raw, line.bytes);
      continue;
    }
    const parsed = parseEventLine(line.text, unit.deployment, unit.window);
    if ("error" in parsed) out.rejects.push(lineNo, parsed.error, line.text, line.bytes);
    else if ("skipped" in parsed) out.skipped++;
    else {
      const e = parsed.event;
      out.events.push(e.action, e.tsMs, e.body, e.extra, e.dedupeKey, e.responseCode, e.actorId, e.actorEmail, e.targetId, e.targetEmail, e.entityName);
    }
  }
  if (out.events.length % EVENT_FIELDS !== 0) throw new Error("parse worker: malformed event array");
  return out;
}

const port = parentPort;
if (port) {
  port.on("message", (unit: ParseUnit) => {
    parseUnit(unit).then(
      (result) => port.postMessage(result),
      (error: unknown) => port.postMessage({ id: unit.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
