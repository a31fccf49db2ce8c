// The dashboard while a CLI ingest runs (issue 14: p99 < 200 ms on both stores). `npm run bench`
// starts `orgtrail ingest` of a later batch of the same organization's events (new days after the
// loaded ones) into the store its server serves, and meanwhile asks the dashboard routes one at a
// time, round robin, until the ingest exits. This file holds the parts that are not the bench's
// orchestration: the batch's size and days, the request loop, the summary and its table.
import { readdirSync, readlinkSync } from "node:fs";
import { dayStartMs, formatDate, parseDate } from "../lib/audit/timestamp";

export const DURING_INGEST_GOAL_MS = 200;

/** Nearest rank: the smallest value with at least p of the samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The later batch: `events` events on the `days` days after the loaded data's last day. */
export interface LaterBatch {
  events: number;
  days: number;
  /** First and last UTC day, YYYY-MM-DD. */
  startDate: string;
  endDate: string;
}

/** As dense per day as the loaded data, but at least 30 and at most 180 new days. */
export function laterBatch(loaded: { events: number; days: number; endDate: string }, events: number): LaterBatch {
  const end = parseDate(loaded.endDate);
  if (end === null) throw new RangeError(`endDate must be YYYY-MM-DD, got ${JSON.stringify(loaded.endDate)}`);
  const days = Math.min(180, Math.max(30, Math.round((loaded.days * events) / Math.max(1, loaded.events))));
  return { events, days, startDate: formatDate(end + 1), endDate: formatDate(end + days) };
}

/**
 * ORGTRAIL_EVENTS_MAX_FUTURE_HOURS for the ingest of a batch whose last day may lie after the
 * clock (the loaded data ends on a fixed day, so its "later" days can be in the future): at
 * least the default 24, at most what the setting allows (a year).
 */
export function futureHoursFor(endDate: string, nowMs: number): number {
  const day = parseDate(endDate);
  if (day === null) throw new RangeError(`endDate must be YYYY-MM-DD, got ${JSON.stringify(endDate)}`);
  const hours = Math.max(24, Math.ceil((dayStartMs(day + 1) - nowMs) / 3_600_000) + 1);
  if (hours > 24 * 366) throw new RangeError(`the later batch ends ${endDate}, more than a year after the clock: pass an earlier --end`);
  return hours;
}

/** Whether the process has the file open (the CLI is reading its input, past its start-up). */
export function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

export interface RouteSample {
  route: string;
  ms: number;
}

/**
 * Asks the routes one at a time, round robin, until `until` settles (the request in flight then
 * is the last); a sample is the time to the last byte of the body. Failed answers are counted
 * apart, not timed.
 */
export async function readRoutesUntil(
  base: string,
  headers: Record<string, string>,
  routes: readonly (readonly [route: string, path: string])[],
  until: Promise<unknown>,
): Promise<{ samples: RouteSample[]; failures: string[] }> {
  let done = false;
  const stop = () => {
    done = true;
  };
  until.then(stop, stop);
  const samples: RouteSample[] = [];
  const failures: string[] = [];
  for (let i = 0; !done; i++) {
    const [route, path] = routes[i % routes.length]!;
    const started = performance.now();
    try {
      const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(60_000) });
      const body = await res.text();
      if (res.ok) samples.push({ route, ms: performance.now() - started });
      else failures.push(`${route}: HTTP ${res.status} ${body.slice(0, 160)}`);
    } catch (error) {
      failures.push(`${route}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { samples, failures };
}

export interface LatencySummary {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The route with the highest p99 of its own samples. */
  worst: { route: string; p99: number; requests: number } | null;
  /** Each route's own requests, median and max, slowest first (for the log: which routes wait). */
  routes: { route: string; requests: number; p50: number; max: number }[];
}

export function summarize(samples: readonly RouteSample[]): LatencySummary {
  const all = samples.map((s) => s.ms).sort((a, b) => a - b);
  const byRoute = new Map<string, number[]>();
  for (const s of samples) byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s.ms]);
  let worst: LatencySummary["worst"] = null;
  const routes: LatencySummary["routes"] = [];
  for (const [route, ms] of byRoute) {
    const p99 = percentile(
      ms.sort((a, b) => a - b),
      0.99,
    );
    if (!worst || p99 > worst.p99) worst = { route, p99, requests: ms.length };
    routes.push({ route, requests: ms.length, p50: percentile(ms, 0.5), max: ms[ms.length - 1]! });
  }
  routes.sort((a, b) => b.max - a.max);
  if (all.length === 0) return { requests: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, worst, routes };
  return { requests: all.length, p50: percentile(all, 0.5), p95: percentile(all, 0.95), p99: percentile(all, 0.99), max: all[all.length - 1]!, worst, routes };
}

export interface DuringIngestResult {
  store: string;
  summary: LatencySummary;
  failures: string[];
  /** Events the CLI accepted, and its time from reading its input to its exit. */
  events: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** `< 200 ms: met`, or missed; a run with no answered request meets nothing. */
export function duringIngestGoal(summary: LatencySummary): string {
  const met = summary.requests > 0 && summary.p99 < DURING_INGEST_GOAL_MS;
  return `< ${DURING_INGEST_GOAL_MS} ms: ${met ? "met" : "**missed**"}`;
}

export function duringIngestTable(results: readonly DuringIngestResult[]): string {
  const header =
    "| store | ingest meanwhile (events, s, events/s, peak RSS) | requests | failed | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | worst route (its p99 ms, requests) | goal p99 |\n|---|---|---:|---:|---:|---:|---:|---:|---|---|";
  const ms = (x: number) => (Number.isNaN(x) ? "" : x.toFixed(1));
  const body = results.map((r) => {
    const s = r.summary;
    const rate = r.seconds > 0 ? Math.round(r.events / r.seconds).toLocaleString("en") : "";
    const ingest = `${r.events.toLocaleString("en")} in ${r.seconds.toFixed(1)} s = ${rate}/s (${r.cpuSeconds.toFixed(1)} s CPU), ${r.peakRssMb.toFixed(0)} MB`;
    const worst = s.worst ? `\`${s.worst.route}\` (${s.worst.p99.toFixed(1)}, ${s.worst.requests})` : "";
    return `| ${r.store} | ${ingest} | ${s.requests} | ${r.failures.length} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ${worst} | ${duringIngestGoal(s)} |`;
  });
  return [header, ...body].join("\n");
}
