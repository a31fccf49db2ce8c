/**
 * Pure rules of the Data page: job_state rows read generically, which job belongs to which
 * source (and organization), the freshness of the newest event, each source's status. No I/O.
 */
import type { FreshnessView, JobView, SourceId, SourceView } from "./data-views";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** A job_state row as the driver returns it: the known columns, plus any a later migration added (e.g. `progress`). */
export type JobRow = Record<string, unknown> & { name: string };

function parseObject(text: unknown): Record<string, unknown> | null {
  if (typeof text !== "string" || text === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The upstream pull's checkpoint rows are named `upstream-pull:<org>:<source>` (lib/sources/upstream-plan.ts). */
const PULL_CHECKPOINT = /^upstream-pull:([^:]+):/;

export function jobView(row: JobRow): JobView {
  let progress = parseObject(row.progress);
  if (!progress && PULL_CHECKPOINT.test(row.name)) {
    const checkpoint = parseObject(row.checkpoint);
    if (checkpoint && typeof checkpoint.nextDay === "string") progress = { completeBefore: checkpoint.nextDay };
  }
  return {
    name: row.name,
    lastRunAt: iso(num(row.last_run_at)),
    lastSuccessAt: iso(num(row.last_success_at)),
    lastError: typeof row.last_error === "string" ? row.last_error : null,
    lastErrorAt: iso(num(row.last_error_at)),
    consecutiveFailures: Number(row.consecutive_failures ?? 0),
    totalFailures: Number(row.total_failures ?? 0),
    progress,
  };
}

/**
 * Which source a job belongs to, and whether it concerns this organization at all. A name of the
 * form `<job>:<org>:...` belongs to that organization only; other names are instance-wide.
 */
export function jobSource(name: string, orgSlug: string): { source: SourceId | null; mine: boolean } {
  const parts = name.split(":");
  const mine = parts.length < 2 || parts[1] === orgSlug;
  const job = parts[0]!.toLowerCase();
  if (job === "upstream-pull" || /pull/.test(job)) return { source: "pull", mine };
  if (job === "bucket-source" || /bucket-(source|import)/.test(job)) return { source: "bucket", mine };
  if (/directory|scim/.test(job)) return { source: "directory", mine };
  return { source: null, mine };
}

/** The job_state rows split by source; rows of other organizations are left out. */
export function assignJobs(rows: JobRow[], orgSlug: string): { bySource: Partial<Record<SourceId, JobView[]>>; other: JobView[] } {
  const bySource: Partial<Record<SourceId, JobView[]>> = {};
  const other: JobView[] = [];
  for (const row of rows) {
    const { source, mine } = jobSource(row.name, orgSlug);
    if (!mine) continue;
    if (source) (bySource[source] ??= []).push(jobView(row));
    else other.push(jobView(row));
  }
  return { bySource, other };
}

export interface FreshnessInput {
  newestEventTs: number | null;
  lastReceivedAt: number | null;
  eventsStored: number;
}

export function freshnessView(input: FreshnessInput, now: number, warnAfterMinutes: number): FreshnessView {
  const age = input.newestEventTs === null ? null : Math.max(0, Math.floor((now - input.newestEventTs) / 1000));
  return {
    newestEventAt: iso(input.newestEventTs),
    lastReceivedAt: iso(input.lastReceivedAt),
    ageSeconds: age,
    warnAfterMinutes,
    stale: age !== null && age > warnAfterMinutes * 60,
    eventsStored: input.eventsStored,
    checkedAt: new Date(now).toISOString(),
  };
}

/** What the runs of one source (ingest_runs, bucket_source_objects) add up to. */
export interface RunTotals {
  lastRunAt: number | null;
  lastDataAt: number | null;
  runs30d: number;
  accepted30d: number;
  rejected30d: number;
  failures30d: number;
  /** The latest run: its error when it failed. */
  latest: { at: number; error: string | null } | null;
}

export const NO_RUNS: RunTotals = { lastRunAt: null, lastDataAt: null, runs30d: 0, accepted30d: 0, rejected30d: 0, failures30d: 0, latest: null };

export function sourceView(
  id: SourceId,
  label: string,
  setup: { configured: boolean; text: string },
  totals: RunTotals,
  jobs: JobView[],
  now: number,
): SourceView {
  // The scheduler's job (a name without `:`) says when it last ran and whether it is failing;
  // checkpoint rows only carry progress.
  const runners = jobs.filter((j) => j.lastRunAt !== null);
  const jobRun = runners.reduce<number | null>((max, j) => Math.max(max ?? 0, Date.parse(j.lastRunAt!)), null);
  const lastRunAt = Math.max(totals.lastRunAt ?? 0, jobRun ?? 0) || null;
  const failingJob = runners.find((j) => j.consecutiveFailures > 0);
  const latestFailed = totals.latest?.error ? totals.latest : null;
  const jobErrorAt = failingJob?.lastErrorAt ? Date.parse(failingJob.lastErrorAt) : 0;
  let lastError: SourceView["lastError"] = null;
  if (failingJob && (!latestFailed || jobErrorAt >= latestFailed.at)) lastError = { at: failingJob.lastErrorAt, message: failingJob.lastError ?? "failed" };
  else if (latestFailed) lastError = { at: iso(latestFailed.at), message: latestFailed.error! };
  let status: SourceView["status"];
  if (lastError) status = "failing";
  else if (lastRunAt !== null) status = "ok";
  else status = setup.configured ? "idle" : "off";
  return {
    id,
    label,
    status,
    setup: setup.text,
    lastRunAt: iso(lastRunAt),
    lastDataAt: iso(totals.lastDataAt),
    lagSeconds: totals.lastDataAt === null ? null : Math.max(0, Math.floor((now - totals.lastDataAt) / 1000)),
    runs30d: totals.runs30d,
    accepted30d: totals.accepted30d,
    rejected30d: totals.rejected30d,
    failures30d: totals.failures30d,
    lastError,
    jobs,
  };
}

/** "5 minutes", "3 hours", "2 days": how long ago, in the largest unit that reads well. */
export function formatAge(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds < 60) return "less than a minute";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, "hour");
  return plural(Math.floor(hours / 24), "day");
}
