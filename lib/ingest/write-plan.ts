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

/**
 * The writer's steps, in order. On SQLite the lookups and the chain happen inside `plan`
 * (the planner asks them as it goes): they are parts of it, timed per call.
 */
export const WRITE_STEPS = [
  "begin",
  "dedupeLookup",
  "identityLookup",
  "rollupLookup",
  "chain",
  "plan",
  "users",
  "insertEvents",
  "rollups",
  "other",
  "commit",
] as const;
export type WriteStep = (typeof WRITE_STEPS)[number];

/**
 * Time per step of the writer, summed over batches (ORGTRAIL_INGEST_PROFILE=1, docs/PERFORMANCE.md):
 * wall milliseconds, and the process's CPU milliseconds over the same step (the writer's own
 * only when nothing else runs in the process meanwhile: `--workers 0`, whose parsing happens
 * between batches). `begin` takes the write lock (SQLite: BEGIN IMMEDIATE) or the organization's
 * row; `commit` is the WAL write and its fsync on SQLite.
 */
export interface WriteProfile {
  batches: number;
  events: number;
  wall: Record<WriteStep, number>;
  cpu: Record<WriteStep, number>;
}

export function newWriteProfile(): WriteProfile {
  const zero = () => Object.fromEntries(WRITE_STEPS.map((s) => [s, 0])) as Record<WriteStep, number>;
  return { batches: 0, events: 0, wall: zero(), cpu: zero() };
}

/** Laps of the profile: each lap adds the wall and CPU time since the previous one to a step. */
export class StepClock {
  private wall = performance.now();
  private cpu = process.cpuUsage();

  constructor(private readonly profile: WriteProfile) {}

  lap(step: WriteStep): void {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    this.profile.wall[step] += wall - this.wall;
    this.profile.cpu[step] += (cpu.user - this.cpu.user + cpu.system - this.cpu.system) / 1000;
    this.wall = wall;
    this.cpu = cpu;
  }
}

/** Recounts d7 / d30 / d90 of the users matched by the WHERE clause that follows (both stores). */
export const RECENT_RECOUNT = `UPDATE user_activity SET (d7, d30, d90) = (
  SELECT COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 7 THEN 1 ELSE 0 END), 0),
         COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 30 THEN 1 ELSE 0 END), 0),
         COUNT(*)
  FROM user_day ud
  WHERE ud.org_id = user_activity.org_id AND ud.user_id = user_activity.user_id AND ud.day > user_activity.last_day - 90)`;
