import { normalizeEvent, type NormalizedEvent } from "../audit/event";
import { ndjsonLines } from "../audit/ndjson-lines";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { afterStored } from "../alerts/after-stored";
import { appendBatch } from "./append-batch";

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
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
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

  for await (const line of ndjsonLines(chunks)) {
    summary.lines = line.lineNo;
    summary.bytes += line.bytes + 1;
    if ("error" in line) {
      reject(line.lineNo, line.error);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      reject(line.lineNo, `invalid JSON: ${(error as Error).message}`);
      continue;
    }
    const result = normalizeEvent(value);
    if (!result.ok) {
      reject(line.lineNo, result.error);
      continue;
    }
    if (options.deployment === "multi-tenant" && result.event.action === "report:read") {
      summary.skipped++;
      continue;
    }
    batch.push(result.event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return summary;
}

/** Wraps a byte stream so it throws BodyTooLargeError past `limit` bytes. */
export async function* limitBytes(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    yield chunk;
  }
}
