/** Pure parts of the upstream pull: day windows, the checkpoint, the request URL. */
import { createHash } from "node:crypto";
import { formatDate, parseDate } from "../audit/timestamp";

/** numDays ≤ 7 per request (the multi-tenant cap), so a window is at most 8 days. */
export const MAX_WINDOW_DAYS = 8;
/** A first pull looks for the upstream's earliest event no further back than this day (1970-01-01). */
export const HISTORY_FLOOR_DAY = 0;
/**
 * Multi-tenant Cloud: activity counts from this day (SPEC §4). With numDays capped at 7, a probe
 * costs one request per 8 days, as much as fetching them: a first pull starts here instead.
 */
export const MULTI_TENANT_HISTORY_START = parseDate("2025-05-08")!;

export interface DayWindow {
  /** First and last UTC day (inclusive), as day numbers. */
  first: number;
  last: number;
}

/** The request parameters of a window: startDate is its newest day, numDays counts back. */
export function windowParams(w: DayWindow): { startDate: string; numDays: number } {
  return { startDate: formatDate(w.last), numDays: w.last - w.first };
}

/** Windows from `from` to `today`, oldest first, each at most MAX_WINDOW_DAYS days. */
export function planWindows(from: number, today: number, maxDays = MAX_WINDOW_DAYS): DayWindow[] {
  const windows: DayWindow[] = [];
  for (let first = from; first <= today; first += maxDays) windows.push({ first, last: Math.min(first + maxDays - 1, today) });
  return windows;
}

/**
 * Probe windows going back from today, newest first: the last MAX_WINDOW_DAYS days, then windows
 * twice as long as the one before (16, 32, 64... days), the last one cut at `floor`. Together
 * they cover floor..today with about log2((today - floor) / 8) requests.
 */
export function probeWindows(today: number, floor = HISTORY_FLOOR_DAY, firstSize = MAX_WINDOW_DAYS): DayWindow[] {
  const windows: DayWindow[] = [];
  let last = today;
  for (let size = firstSize; last >= floor; size *= 2) {
    const first = Math.max(floor, last - size + 1);
    windows.push({ first, last });
    last = first - 1;
  }
  return windows;
}

/** A window cut in two for bisecting: the older half first (the older half is the larger one when the length is odd). */
export function splitWindow(w: DayWindow): [DayWindow, DayWindow] {
  const olderLast = w.first + Math.ceil((w.last - w.first + 1) / 2) - 1;
  return [
    { first: w.first, last: olderLast },
    { first: olderLast + 1, last: w.last },
  ];
}

/**
 * Where a first pull starts, by bisection: given that `w` holds an event and every day before
 * it is empty, halve it (`hasEvents` asks the upstream about the older half) until at most
 * MAX_WINDOW_DAYS days are left; the earliest event is in those days.
 */
export async function bisectEarliest(w: DayWindow, hasEvents: (w: DayWindow) => Promise<boolean>, maxDays = MAX_WINDOW_DAYS): Promise<DayWindow> {
  let current = w;
  while (current.last - current.first + 1 > maxDays) {
    const [older, newer] = splitWindow(current);
    current = (await hasEvents(older)) ? older : newer;
  }
  return current;
}

/**
 * Where a pull resumes. Every day before `nextDay` was fetched completely after it had ended
 * (today is never complete: the next pull fetches it again; the store absorbs the repeats).
 * `page`: a window being paged by cursor when the pull stopped, and the cursor of its next page.
 */
export interface PullCheckpoint {
  v: 1;
  nextDay: string;
  page?: { startDate: string; numDays: number; cursor: string };
  /** Where the history being copied starts (the upstream's earliest day found by the first pull, or its first day). */
  firstDay?: string;
}

export function parseCheckpoint(text: string | null): PullCheckpoint | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<PullCheckpoint>;
    if (value.v !== 1 || typeof value.nextDay !== "string" || parseDate(value.nextDay) === null) return null;
    const firstDay = typeof value.firstDay === "string" && parseDate(value.firstDay) !== null ? { firstDay: value.firstDay } : {};
    const page = value.page;
    if (page && (typeof page.startDate !== "string" || typeof page.numDays !== "number" || typeof page.cursor !== "string")) {
      return { v: 1, nextDay: value.nextDay, ...firstDay };
    }
    return { v: 1, nextDay: value.nextDay, ...(page ? { page } : {}), ...firstDay };
  } catch {
    return null;
  }
}

/** The endpoint: a base URL gets `/admin/audit_logs` appended; a full endpoint URL is kept. */
export function endpointUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`invalid upstream URL ${JSON.stringify(base)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`invalid upstream URL ${JSON.stringify(base)}: http or https only`);
  if (url.username || url.password) throw new Error("put the credentials in --username / --api-key, not in the URL");
  if (!/\/admin\/audit_logs\/?$/.test(url.pathname)) url.pathname = url.pathname.replace(/\/+$/, "") + "/admin/audit_logs";
  url.hash = "";
  return url;
}

export function requestUrl(endpoint: URL, w: DayWindow, pageSize: number | null, cursor: string | null): string {
  const url = new URL(endpoint);
  const p = windowParams(w);
  url.searchParams.set("startDate", p.startDate);
  url.searchParams.set("numDays", String(p.numDays));
  if (pageSize !== null) url.searchParams.set("limit", String(pageSize));
  if (cursor !== null) url.searchParams.set("cursor", cursor);
  return url.toString();
}

/** One checkpoint per upstream (endpoint and account) and destination organization. */
export function checkpointName(endpoint: URL, username: string, orgSlug: string): string {
  const source = createHash("sha256").update(`${endpoint.origin}${endpoint.pathname}\n${username}`, "utf8").digest("hex").slice(0, 16);
  return `upstream-pull:${orgSlug}:${source}`;
}
