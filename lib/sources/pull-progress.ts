/**
 * Progress of an upstream pull, pure: what the CLI prints and what the server keeps in
 * `job_state.progress` for the Data page (fields documented in docs/UPSTREAM_PULL.md).
 */
import { formatDate, formatTimestamp } from "../audit/timestamp";

export type PullPhase = "probing" | "fetching" | "done" | "stopped";

/** Stored as JSON in `job_state.progress` of the pull's checkpoint row. */
export interface PullProgress {
  v: 1;
  phase: PullPhase;
  /** The upstream endpoint (origin and path; never credentials). */
  source: string;
  org: string;
  /** The first day of the history being copied (YYYY-MM-DD); null while probing for it. */
  firstDay: string | null;
  /** Today, UTC (the last day fetched). */
  today: string;
  /** Days from firstDay to today, and how many of them are fetched. */
  daysDone: number;
  daysTotal: number;
  /** This run: events received, and how the store took them. */
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  requests: number;
  /** This run's start, and this report's time (RFC3339). */
  startedAt: string;
  updatedAt: string;
  /** Events per second over this run. */
  eventsPerSecond: number;
  /** Seconds left, from this run's pace in days; null when unknown (probing, nothing done yet). */
  etaSeconds: number | null;
  /** Why the run stopped (phase "stopped"). */
  error: string | null;
}

export interface ProgressInput {
  phase: PullPhase;
  source: string;
  org: string;
  firstDay: number | null;
  today: number;
  /** The last day fetched completely so far (firstDay - 1 when none). */
  doneThrough: number;
  /** The last day already complete when this run started (its days do not set the pace). */
  doneAtStart: number;
  counts: { fetched: number; accepted: number; duplicates: number; rejected: number; requests: number };
  startedAt: number;
  now: number;
  error?: string | null;
}

export function computeProgress(i: ProgressInput): PullProgress {
  const daysTotal = i.firstDay === null ? 0 : Math.max(0, i.today - i.firstDay + 1);
  const daysDone = i.firstDay === null ? 0 : i.phase === "done" ? daysTotal : Math.min(daysTotal, Math.max(0, i.doneThrough - i.firstDay + 1));
  const elapsedMs = Math.max(0, i.now - i.startedAt);
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const runDays = i.doneThrough - i.doneAtStart;
  const left = daysTotal - daysDone;
  let etaSeconds: number | null = null;
  if (i.phase === "done") etaSeconds = 0;
  else if (i.phase === "fetching" && runDays > 0 && elapsedMs > 0) etaSeconds = Math.round((elapsedMs / 1000) * (left / runDays));
  return {
    v: 1,
    phase: i.phase,
    source: i.source,
    org: i.org,
    firstDay: i.firstDay === null ? null : formatDate(i.firstDay),
    today: formatDate(i.today),
    daysDone,
    daysTotal,
    events: i.counts.fetched,
    accepted: i.counts.accepted,
    duplicates: i.counts.duplicates,
    rejected: i.counts.rejected,
    requests: i.counts.requests,
    startedAt: formatTimestamp(i.startedAt),
    updatedAt: formatTimestamp(i.now),
    eventsPerSecond: Math.round(i.counts.fetched / seconds),
    etaSeconds,
    error: i.error ?? null,
  };
}

/** `2 h 05 min`, `3 min 10 s`, `42 s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const grouped = (n: number) => n.toLocaleString("en-US");

/** One line for a terminal: `120/730 days (16%), 12,345 events, 5,012/s, ETA 2 min 10 s`. */
export function formatProgress(p: PullProgress): string {
  if (p.phase === "probing") return `looking for the upstream's earliest day (${p.requests} requests)`;
  const percent = p.daysTotal > 0 ? Math.floor((p.daysDone / p.daysTotal) * 100) : 100;
  const parts = [`${p.daysDone}/${p.daysTotal} days (${percent}%)`, `${grouped(p.events)} events`, `${grouped(p.eventsPerSecond)}/s`];
  if (p.phase === "done") parts.push(`done in ${formatDuration((Date.parse(p.updatedAt) - Date.parse(p.startedAt)) / 1000)}`);
  else if (p.etaSeconds !== null) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(", ");
}

/**
 * A pull's `job_state.progress` in one line, for the Data page: null when `value` is not one
 * (another job's progress), so the page falls back to its generic display.
 */
export function describePullProgress(value: Record<string, unknown>): string | null {
  if (value.v !== 1 || typeof value.phase !== "string" || typeof value.daysDone !== "number" || typeof value.daysTotal !== "number") return null;
  const p = value as unknown as PullProgress;
  const from = p.firstDay ? ` from ${p.firstDay}` : "";
  const events = `${grouped(Number(p.events) || 0)} events this run`;
  switch (p.phase) {
    case "probing":
      return formatProgress(p);
    case "fetching": {
      const percent = p.daysTotal > 0 ? Math.floor((p.daysDone / p.daysTotal) * 100) : 100;
      const eta = p.etaSeconds !== null && p.etaSeconds !== undefined ? ` · ETA ${formatDuration(p.etaSeconds)}` : "";
      return `fetching: ${p.daysDone}/${p.daysTotal} days (${percent}%)${from} · ${events}, ${grouped(Number(p.eventsPerSecond) || 0)}/s${eta}`;
    }
    case "done":
      return `up to date: ${p.daysTotal} days${from} · ${events}`;
    case "stopped":
      return `stopped at ${p.daysDone}/${p.daysTotal} days${from}: ${p.error ?? "unknown error"}`;
    default:
      return null;
  }
}
