import type { NormalizedEvent } from "../audit/event";
import { MAX_LINE_BYTES, ndjsonLines } from "../audit/ndjson-lines";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { afterStored } from "../alerts/after-stored";
import { appendBatch } from "./append-batch";
import { toEvents, type ParallelParser } from "./parallel-parse";
import { parseEventLine } from "./parse-line";

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
  lines: number;
  bytes: number;
}

export interface IngestOptions {
  deployment: Deployment;
  batchSize?: number;
  /** Keep at most this many rejections in the summary (all are counted and streamed to onReject). */
  maxRejectionsKept?: number;
  onReject?: (r: Rejection) => void;
  onProgress?: (s: IngestSummary) => void;
  onStored?: (events: NormalizedEvent[]) => void;
  /**
   * Parse with this (the CLI passes workerParser of lib/ingest/parse-pool.ts: worker threads)
   * while this thread writes; without it, this thread parses. Same rows, sequence numbers,
   * chain, counts and line numbers either way.
   */
  parallel?: ParallelParser;
}

/**
 * Streams NDJSON into the store. Good lines are committed in batches; a bad line is reported
 * by number and never drops its neighbours. The summary is returned only after the last
 * batch is committed, so every event it counts as accepted is durable.
 */
export async function ingestNdjson(
  store: Store,
  orgId: number,
  chunks: AsyncIterable<Uint8Array>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const batchSize = options.batchSize ?? 5000;
  const keep = options.maxRejectionsKept ?? 10_000;
  const summary: IngestSummary = { accepted: 0, duplicates: 0, skipped: 0, rejected: [], rejectedTotal: 0, lines: 0, bytes: 0 };
  let batch: NormalizedEvent[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const result = await appendBatch(store, orgId, batch);
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    batch = [];
    if (result.stored.length > 0) {
      options.onStored?.(result.stored);
      await afterStored(store, orgId, result.stored);
    }
    options.onProgress?.(summary);
  };
  const reject = (line: number, error: string) => {
    summary.rejectedTotal++;
    const r = { line, error };
    if (summary.rejected.length < keep) summary.rejected.push(r);
    options.onReject?.(r);
  };

  if (options.parallel) {
    let lineBase = 0; // lines (blank ones included) before the unit
    for await (const unit of options.parallel(chunks, { deployment: options.deployment, maxLineBytes: MAX_LINE_BYTES })) {
      const base = lineBase;
      lineBase += unit.lines;
      if (unit.lastLine > 0) summary.lines = base + unit.lastLine;
      summary.bytes += unit.bytes;
      summary.skipped += unit.skipped;
      for (let i = 0; i < unit.rejects.length; i += 2) reject(base + (unit.rejects[i] as number), unit.rejects[i + 1] as string);
      for (const event of toEvents(unit.events)) {
        batch.push(event);
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();
    return summary;
  }

  for await (const line of ndjsonLines(chunks)) {
    summary.lines = line.lineNo;
    summary.bytes += line.bytes + 1;
    if ("error" in line) {
      reject(line.lineNo, line.error);
      continue;
    }
    const parsed = parseEventLine(line.text, options.deployment);
    if ("error" in parsed) reject(line.lineNo, parsed.error);
    else if ("skipped" in parsed) summary.skipped++;
    else {
      batch.push(parsed.event);
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return summary;
}
