/**
 * The quarantine (docs/INGEST.md): lines that could not be stored, kept as received with
 * their line number, source and reason, per organization. Not events: never in the chain,
 * never in any number. Bounded: at most `perDay` lines per organization, source and UTC day
 * of receipt, and `total` per organization; past either bound a line is only counted (the
 * `dropped` of its day), so a flood of bad lines cannot grow the store without limit.
 *
 * Pure: the decisions only; the executors of lib/ingest write them in the batch's transaction.
 */
import { dayNumber } from "../audit/timestamp";

/** Where a line came from: the HTTP API, the CLI, the upstream pull, a bucket source, or another caller of ingestNdjson. */
export const QUARANTINE_SOURCES = ["api", "cli", "pull", "bucket", "other"] as const;
export type QuarantineSource = (typeof QUARANTINE_SOURCES)[number];

/** A refused line as read: its bytes as received (a string when they were valid UTF-8). */
export interface RejectedLine {
  line: number;
  reason: string;
  raw: string | Uint8Array;
  /** The line's length as received, in bytes (more than raw's when only a prefix was kept). */
  bytes: number;
}

export interface QuarantineBatch {
  source: QuarantineSource;
  /** The file, object key, upstream window or account the line numbers are relative to. */
  origin: string;
  receivedAt: number;
  lines: RejectedLine[];
}

export interface QuarantineLimits {
  perDay: number;
  total: number;
}

/** What the executor reads (under the organization's lock) for the bounds. */
export interface QuarantineLookups {
  /** Lines kept so far for this source and UTC day. */
  keptOn(source: QuarantineSource, day: number): number;
  /** Lines held for the organization now. */
  held(): number;
}

export interface QuarantineRow {
  received_at: number;
  source: QuarantineSource;
  origin: string;
  line: number;
  reason: string;
  raw: Uint8Array;
  bytes: number;
}

export interface QuarantinePlan {
  rows: QuarantineRow[];
  /** Increments of the per-day counters. */
  day: { source: QuarantineSource; day: number; kept: number; dropped: number } | null;
}

const encoder = new TextEncoder();

export function rawBytes(raw: string | Uint8Array): Uint8Array {
  return typeof raw === "string" ? encoder.encode(raw) : raw;
}

export function planQuarantine(batch: QuarantineBatch, limits: QuarantineLimits, lookups: QuarantineLookups): QuarantinePlan {
  if (batch.lines.length === 0) return { rows: [], day: null };
  const day = dayNumber(batch.receivedAt);
  const room = Math.max(0, Math.min(limits.perDay - lookups.keptOn(batch.source, day), limits.total - lookups.held()));
  const kept = batch.lines.slice(0, room);
  const rows = kept.map((l) => ({
    received_at: batch.receivedAt,
    source: batch.source,
    origin: batch.origin,
    line: l.line,
    reason: l.reason,
    raw: rawBytes(l.raw),
    bytes: l.bytes,
  }));
  return { rows, day: { source: batch.source, day, kept: rows.length, dropped: batch.lines.length - rows.length } };
}
