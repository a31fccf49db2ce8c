/**
 * What the ingest executors (lib/ingest/write-sqlite.ts, write-postgres.ts) share: the
 * result of a batch, what it writes besides its events, the optional step profile, and the
 * SQL both run the same.
 */
import type { NormalizedEvent } from "../audit/event";
import type { QuarantineBatch, QuarantineLimits } from "./quarantine-plan";

export interface BatchResult {
  accepted: number;
  duplicates: number;
  /** The events stored, in sequence order (for metrics and alerts). */
  stored: NormalizedEvent[];
  /** Refused lines kept in the quarantine (the others were past its bounds: only counted). */
  quarantined: number;
}

/** A quarantine retry: lines now stored or duplicates leave the quarantine, the others get their new reason. */
export interface QuarantineSettlement {
  remove: number[];
  reasons: { id: number; reason: string }[];
}

/** What a batch writes besides its events, in the same transaction. */
export interface BatchExtras {
  /** Refused lines of the batch's stretch of input, for the quarantine. */
  quarantine?: { batch: QuarantineBatch; limits: QuarantineLimits };
  retried?: QuarantineSettlement;
  /** Accumulates the time of each step (ORGTRAIL_INGEST_PROFILE=1, docs/PERFORMANCE.md). */
  profile?: WriteProfile;
}

/** Milliseconds per step of the writer, summed over batches. */
export interface WriteProfile {
  batches: number;
  events: number;
  /** Deciding the plan, lookups and chain included. */
  plan: number;
  dedupeLookup: number;
  identityLookup: number;
  rollupLookup: number;
  chain: number;
  users: number;
  insertEvents: number;
  rollups: number;
  /** Lifecycle rows, the organization's head, the quarantine. */
  other: number;
  /** BEGIN and COMMIT (on SQLite the WAL write and its fsync). */
  commit: number;
}

export function newWriteProfile(): WriteProfile {
  return { batches: 0, events: 0, plan: 0, dedupeLookup: 0, identityLookup: 0, rollupLookup: 0, chain: 0, users: 0, insertEvents: 0, rollups: 0, other: 0, commit: 0 };
}

/** Recounts d7 / d30 / d90 of the users matched by the WHERE clause that follows (both stores). */
export const RECENT_RECOUNT = `UPDATE user_activity SET (d7, d30, d90) = (
  SELECT COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 7 THEN 1 ELSE 0 END), 0),
         COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 30 THEN 1 ELSE 0 END), 0),
         COUNT(*)
  FROM user_day ud
  WHERE ud.org_id = user_activity.org_id AND ud.user_id = user_activity.user_id AND ud.day > user_activity.last_day - 90)`;
