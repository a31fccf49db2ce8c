/**
 * Parallel parsing for ingestNdjson (`parallel` option): this thread only cuts the input into
 * units of whole lines; worker threads split, parse and normalize them (the CPU-heavy part:
 * JSON.parse, canonical JSON, SHA-256); the units come back in input order, so the single
 * writer applies events, sequence numbers, the hash chain and "first occurrence wins"
 * exactly as the in-thread path does, and line numbers are the same.
 */
import type { NormalizedEvent } from "../audit/event";
import type { PlausibleWindow } from "../audit/plausible";
import type { Deployment } from "../env";

/** A unit of whole lines sent to a worker. */
export interface ParseUnit {
  id: number;
  bytes: Uint8Array;
  /** The stream's first unit (the only one whose first line may start with a BOM). */
  first: boolean;
  deployment: Deployment;
  maxLineBytes: number;
  window: PlausibleWindow;
}

/** What a worker returns; line numbers are relative to the unit (its first line is 1). */
export interface ParsedUnit {
  id: number;
  /** Lines in the unit, blank ones included. */
  lines: number;
  /** The last non-blank line (what ndjsonLines last yielded), or 0. */
  lastLine: number;
  /** Bytes of the non-blank lines, one newline each, as the in-thread summary counts them. */
  bytes: number;
  skipped: number;
  /** Flat [line, error, raw, bytes, ...] (raw: the line as received, a string when valid UTF-8; bytes: its length). */
  rejects: (number | string | Uint8Array)[];
  /** Flat, EVENT_FIELDS values per event (see toEvents). */
  events: (string | number | null)[];
}

export const EVENT_FIELDS = 11;

export function toEvents(flat: ParsedUnit["events"]): NormalizedEvent[] {
  const out: NormalizedEvent[] = new Array<NormalizedEvent>(flat.length / EVENT_FIELDS);
  for (let i = 0, j = 0; i < flat.length; i += EVENT_FIELDS, j++) {
    out[j] = {
      action: flat[i] as string,
      tsMs: flat[i + 1] as number,
      body: flat[i + 2] as string,
      extra: flat[i + 3] as string | null,
      dedupeKey: flat[i + 4] as string,
      responseCode: flat[i + 5] as number | null,
      actorId: flat[i + 6] as string | null,
      actorEmail: flat[i + 7] as string | null,
      targetId: flat[i + 8] as string | null,
      targetEmail: flat[i + 9] as string | null,
      entityName: flat[i + 10] as string | null,
    };
  }
  return out;
}

const NEWLINE = 0x0a;
/** Input bytes per unit: big enough to amortize a message, small enough to keep workers busy. */
const UNIT_BYTES = 512 * 1024;

/** A unit of whole lines, or a line past the limit: its length and its first maxLineBytes (for the quarantine). */
export type Cut = { bytes: Uint8Array; first: boolean } | { longLine: number; prefix: Uint8Array };

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Cuts a byte stream into units of whole lines (a copy each, transferable). A line longer
 * than maxLineBytes (+1 for a CR) is never buffered whole: it becomes a `longLine` cut
 * carrying its length and its first maxLineBytes, rejected in its place as ndjsonLines would.
 */
export async function* cutUnits(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number, unitBytes = UNIT_BYTES): AsyncGenerator<Cut> {
  let complete: Uint8Array[] = [];
  let completeBytes = 0;
  let tail: Uint8Array[] = [];
  let tailBytes = 0;
  let longLine = -1; // bytes of a too-long line being skipped, or -1
  let prefix = new Uint8Array(0); // its first maxLineBytes
  let first = true;
  const takeComplete = (): Cut => {
    const cut = { bytes: concat(complete, completeBytes), first };
    first = false;
    complete = [];
    completeBytes = 0;
    return cut;
  };
  for await (let chunk of chunks) {
    if (longLine >= 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        longLine += chunk.length;
        continue;
      }
      yield { longLine: longLine + nl, prefix };
      first = false;
      longLine = -1;
      chunk = chunk.subarray(nl + 1);
    }
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl === -1) {
      tail.push(chunk.slice());
      tailBytes += chunk.length;
    } else {
      for (const t of tail) complete.push(t);
      completeBytes += tailBytes;
      complete.push(chunk.subarray(0, nl + 1));
      completeBytes += nl + 1;
      tail = nl + 1 < chunk.length ? [chunk.slice(nl + 1)] : [];
      tailBytes = chunk.length - nl - 1;
      // The views into `chunk` are copied by concat before the stream can reuse its buffer.
      if (completeBytes >= unitBytes) yield takeComplete();
      else complete = complete.map((p) => (p.buffer === chunk.buffer ? p.slice() : p));
    }
    if (tailBytes > maxLineBytes + 1) {
      if (completeBytes > 0) yield takeComplete();
      prefix = concat(tail, tailBytes).slice(0, maxLineBytes);
      longLine = tailBytes;
      tail = [];
      tailBytes = 0;
    }
  }
  if (longLine >= 0) {
    yield { longLine, prefix };
    return;
  }
  for (const t of tail) complete.push(t);
  completeBytes += tailBytes;
  if (completeBytes > 0) yield takeComplete();
}

/** Parses a stream into units, in input order (lib/ingest/parse-pool.ts runs it in worker threads). */
export type ParallelParser = (
  chunks: AsyncIterable<Uint8Array>,
  options: { deployment: Deployment; maxLineBytes: number; window: PlausibleWindow },
) => AsyncIterable<ParsedUnit>;
