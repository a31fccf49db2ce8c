/**
 * One unit of a parse worker (lib/ingest/parse-worker.ts): splits its whole NDJSON lines,
 * parses and normalizes them (JSON.parse, canonical JSON, SHA-256) and returns the events as
 * one flat array, with line numbers relative to the unit.
 */
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

function addLine(out: ParsedUnit, unit: ParseUnit, lineNo: number, text: string, bytes: number): void {
  const parsed = parseEventLine(text, unit.deployment, unit.window);
  if ("error" in parsed) out.rejects.push(lineNo, parsed.error, text, bytes);
  else if ("skipped" in parsed) out.skipped++;
  else {
    const e = parsed.event;
    out.events.push(e.action, e.tsMs, e.body, e.extra, e.dedupeKey, e.responseCode, e.actorId, e.actorEmail, e.targetId, e.targetEmail, e.entityName);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The usual unit, valid UTF-8 with no line past the limit, in one pass over its decoded text:
 * the same lines, numbers, byte counts and rejections as ndjsonLines gives (a BOM on the
 * stream's first line, CRLF, blank lines), without a generator step and a decode per line.
 * False (and `out` left for the caller to discard) for any other unit: ndjsonLines then
 * takes it line by line, naming an invalid or too-long line as always.
 */
function parseUnitText(unit: ParseUnit, out: ParsedUnit): boolean {
  let text: string;
  try {
    text = decoder.decode(unit.bytes);
  } catch {
    return false;
  }
  const ascii = text.length === unit.bytes.length; // then every character is one byte
  const limit = unit.maxLineBytes + 1; // room for a CR, as ndjsonLines counts it
  let lineNo = 0;
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    let line = text.slice(start, end);
    start = end + 1;
    lineNo++;
    const bytes = ascii ? line.length : Buffer.byteLength(line);
    if (bytes > limit) return false;
    if (lineNo === 1 && unit.first && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    out.lastLine = lineNo;
    out.bytes += bytes + 1;
    addLine(out, unit, lineNo, line, bytes);
  }
  return true;
}

/** One unit: in one pass over its text when it allows, else line by line. */
export async function parseUnit(unit: ParseUnit): Promise<ParsedUnit> {
  let lines = 0;
  for (let i = unit.bytes.indexOf(NEWLINE); i !== -1; i = unit.bytes.indexOf(NEWLINE, i + 1)) lines++;
  if (unit.bytes.length > 0 && unit.bytes[unit.bytes.length - 1] !== NEWLINE) lines++;
  const fresh = (): ParsedUnit => ({ id: unit.id, lines, lastLine: 0, bytes: 0, skipped: 0, rejects: [], events: [] });
  const out = fresh();
  return parseUnitText(unit, out) ? out : parseUnitLines(unit, fresh());
}

/** Any unit, line by line through ndjsonLines (exported for the test that compares both ways). */
export async function parseUnitLines(unit: ParseUnit, out: ParsedUnit): Promise<ParsedUnit> {
  const shift = unit.first ? 0 : 1;
  for await (const line of ndjsonLines(source(unit), unit.maxLineBytes)) {
    const lineNo = line.lineNo - shift;
    out.lastLine = lineNo;
    out.bytes += line.bytes + 1;
    if ("error" in line) out.rejects.push(lineNo, line.error, line.raw, line.bytes);
    else addLine(out, unit, lineNo, line.text, line.bytes);
  }
  if (out.events.length % EVENT_FIELDS !== 0) throw new Error("parse worker: malformed event array");
  return out;
}
