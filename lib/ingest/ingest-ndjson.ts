import type { NormalizedEvent } from "../audit/event";
import { MAX_LINE_BYTES, ndjsonLines } from "../audit/ndjson-lines";
import type { PlausibleWindow } from "../audit/plausible";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { afterStored } from "../alerts/after-stored";
import { appendBatch } from "./append-batch";
import { toEvents, type ParallelParser } from "./parallel-parse";
import { parseEventLine } from "./parse-line";
import type { QuarantineSource, RejectedLine } from "./quarantine-plan";
import { quarantineLimits, plausibleWindow } from "./window";
import type { WriteProfile } from "./write-plan";

export interface Rejection {
  line: number;
  error: string;
}

export interface IngestSummary {
  accepted: number;
  duplicates: number;
  /** Events not collected by design (multi-tenant `report:read`). */
  skipped: number;
  rejected: Rejection[];
  /** All rejections, also those past the reporting cap. */
  rejectedTotal: number;
  /** Rejected lines kept in the quarantine (the rest were past its bounds, only counted). */
  quarantined: number;
  lines: number;
  bytes: number;
}

export interface IngestOptions {
  deployment: Deployment;
  /** Where the lines come from, for the quarantine (default: `other`, no origin). */
  source?: { kind: QuarantineSource; origin: string };
  /** Times an event may carry (default: the configured window around the server's clock now). */
  window?: PlausibleWindow;
  batchSize?: number;
  /** Also commit once the batch's events hold this many characters (body and unknown keys): memory stays bounded whatever the lines' size. */
  batchChars?: number;
  /** Keep at most this many rejections in the summary (all are counted and streamed to onReject). */
  maxRejectionsKept?: number;
  onReject?: (r: Rejection) => void;
  onProgress?: (s: IngestSummary) => void;
  onStored?: (events: NormalizedEvent[]) => void;
  /** Accumulates the writer's time per step (the CLI with ORGTRAIL_INGEST_PROFILE=1). */
  profile?: WriteProfile;
  /**
   * Parse with this (the CLI passes workerParser of lib/ingest/parse-pool.ts: worker threads)
   * while this thread writes; without it, this thread parses. Same rows, sequence numbers,
   * chain, counts and line numbers either way.
   */
  parallel?: ParallelParser;
}

/** Characters of events held in a batch before it is committed (~32 MiB of ASCII text). */
const DEFAULT_BATCH_CHARS = 32 * 1024 * 1024;

/** Refused lines held before they are written with the next batch (bytes): bounds memory under a flood of bad lines. */
const MAX_PENDING_REJECT_BYTES = 8 * 1024 * 1024;
const MAX_PENDING_REJECTS = 1000;

/**
 * Streams NDJSON into the store. Good lines are committed in batches; a bad line is reported
 * by number, kept in the quarantine (in the same transaction as the batch around it), and
 * never drops its neighbours. The summary is returned only after the last batch is
 * committed, so every event it counts as accepted is durable.
 */
export async function ingestNdjson(store: Store, orgId: number, chunks: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? 5000;
  const batchChars = options.batchChars ?? DEFAULT_BATCH_CHARS;
  const keep = options.maxRejectionsKept ?? 10_000;
  const window = options.window ?? plausibleWindow();
  const source = options.source ?? { kind: "other", origin: "" };
  const limits = quarantineLimits();
  const summary: IngestSummary = { accepted: 0, duplicates: 0, skipped: 0, rejected: [], rejectedTotal: 0, quarantined: 0, lines: 0, bytes: 0 };
  let batch: NormalizedEvent[] = [];
  let chars = 0;
  let refused: RejectedLine[] = [];
  let refusedBytes = 0;

  const flush = async () => {
    if (batch.length === 0 && refused.length === 0) return;
    const quarantine = { batch: { source: source.kind, origin: source.origin, receivedAt: Date.now(), lines: refused }, limits };
    const result = await appendBatch(store, orgId, batch, { quarantine, profile: options.profile });
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    summary.quarantined += result.quarantined;
    batch = [];
    chars = 0;
    refused = [];
    refusedBytes = 0;
    if (result.stored.length > 0) {
      options.onStored?.(result.stored);
      await afterStored(store, orgId, result.stored);
    }
    options.onProgress?.(summary);
  };
  const reject = async (line: number, error: string, raw: string | Uint8Array, bytes: number) => {
    summary.rejectedTotal++;
    const r = { line, error };
    if (summary.rejected.length < keep) summary.rejected.push(r);
    options.onReject?.(r);
    refused.push({ line, reason: error, raw, bytes });
    refusedBytes += typeof raw === "string" ? raw.length * 3 : raw.length;
    if (refusedBytes >= MAX_PENDING_REJECT_BYTES || refused.length >= MAX_PENDING_REJECTS) await flush();
  };

  /** Adds an event to the batch; true when the batch is full (the caller flushes: no promise per event). */
  const add = (event: NormalizedEvent): boolean => {
    batch.push(event);
    chars += event.body.length + (event.extra?.length ?? 0);
    return batch.length >= batchSize || chars >= batchChars;
  };

  if (options.parallel) {
    let lineBase = 0; // lines (blank ones included) before the unit
    for await (const unit of options.parallel(chunks, { deployment: options.deployment, maxLineBytes: MAX_LINE_BYTES, window })) {
      const base = lineBase;
      lineBase += unit.lines;
      if (unit.lastLine > 0) summary.lines = base + unit.lastLine;
      summary.bytes += unit.bytes;
      summary.skipped += unit.skipped;
      // Rejections and events in input order: a flush for the rejections' sake keeps the
      // events before them in the batch (order within a batch is what counts).
      for (let i = 0; i < unit.rejects.length; i += 4) {
        await reject(
          base + (unit.rejects[i] as number),
          unit.rejects[i + 1] as string,
          unit.rejects[i + 2] as string | Uint8Array,
          unit.rejects[i + 3] as number,
        );
      }
      for (const event of toEvents(unit.events)) if (add(event)) await flush();
    }
    await flush();
    return summary;
  }

  for await (const line of ndjsonLines(chunks)) {
    summary.lines = line.lineNo;
    summary.bytes += line.bytes + 1;
    if ("error" in line) {
      await reject(line.lineNo, line.error, line.raw, line.bytes);
      continue;
    }
    const parsed = parseEventLine(line.text, options.deployment, window);
    if ("error" in parsed) await reject(line.lineNo, parsed.error, line.text, line.bytes);
    else if ("skipped" in parsed) summary.skipped++;
    else if (add(parsed.event)) await flush();
  }
  await flush();
  return summary;
}
