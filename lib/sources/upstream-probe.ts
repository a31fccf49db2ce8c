// Where a first pull starts: the earliest day the upstream holds (docs/UPSTREAM_PULL.md "Backfill").
import { dayNumber, dayStartMs, parseRfc3339 } from "../audit/timestamp";
import type { Deployment } from "../env";
import { bodyChunks, fetchAuditLogAnswer, withRetry, type RetryNotice, type RetryPolicy, type Watchdog } from "./upstream-http";
import { bisectEarliest, HISTORY_FLOOR_DAY, MULTI_TENANT_HISTORY_START, probeWindows, requestUrl, type DayWindow } from "./upstream-plan";

export interface ProbeContext {
  endpoint: URL;
  /** The Authorization header. */
  auth: string;
  today: number;
  deployment: Deployment;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** Called before each request (the pull counts them). */
  onRequest(): void;
  onRetry?(window: string, n: RetryNotice): void;
}

export interface HistoryStart {
  /** The first day to fetch; null when the upstream holds no event at all. */
  day: number | null;
  /**
   * How it was found: the first event of one `limit=1` page over everything (an upstream that
   * pages, as orgtrail does); probing back in growing windows then bisecting (an upstream that
   * answers NDJSON only); the multi-tenant start (declared, or a capped range detected).
   */
  how: "earliest-event" | "bisected" | "multi-tenant" | "empty";
}

type ProbeAnswer = { kind: "page"; count: number; first: unknown; rangeStartMs: number | null } | { kind: "lines"; nonEmpty: boolean };

const hasEvents = (a: ProbeAnswer) => (a.kind === "page" ? a.count > 0 : a.nonEmpty);

/** The upstream cut the range it was asked for (multi-tenant's 7-day cap). */
const capped = (a: ProbeAnswer, w: DayWindow) => a.kind === "page" && a.rangeStartMs !== null && a.rangeStartMs > dayStartMs(w.first);

function readPage(text: string): ProbeAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "lines", nonEmpty: text.trim() !== "" };
  }
  const page = value as { audit_logs?: unknown; range_start_time?: unknown } | null;
  if (page === null || typeof page !== "object" || !Array.isArray(page.audit_logs)) return { kind: "lines", nonEmpty: text.trim() !== "" };
  const start = typeof page.range_start_time === "string" ? parseRfc3339(page.range_start_time) : null;
  return { kind: "page", count: page.audit_logs.length, first: page.audit_logs[0], rangeStartMs: start?.ok ? start.ms : null };
}

/** True as soon as a chunk holds anything but whitespace. */
function nonBlank(chunk: Uint8Array): boolean {
  for (const b of chunk) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return true;
  return false;
}

function dayOfEvent(event: unknown): number | null {
  const ts = (event as { timestamp?: unknown } | null)?.timestamp;
  if (typeof ts !== "string") return null;
  const parsed = parseRfc3339(ts);
  return parsed.ok ? dayNumber(parsed.ms) : null;
}

/**
 * The earliest day the upstream holds, in a few requests that each read at most one event:
 * - multi-tenant (ORGTRAIL_DEPLOYMENT, or a range the upstream cut to 8 days): 2025-05-08;
 * - an upstream that pages (`limit` answers a JSON page, oldest first): one `limit=1` request
 *   over 1970-01-01..today; its event's day;
 * - an NDJSON-only upstream: windows going back from today, each twice as long as the last (8,
 *   16, 32... days) down to 1970, reading one line of each; then the oldest window holding an
 *   event is bisected down to 8 days. Its first day is the start (the order of a plain server's
 *   lines is not relied on).
 */
export async function findHistoryStart(c: ProbeContext): Promise<HistoryStart> {
  const multiTenant: HistoryStart = { day: Math.min(MULTI_TENANT_HISTORY_START, c.today), how: "multi-tenant" };
  if (c.deployment === "multi-tenant") return multiTenant;

  const probe = (w: DayWindow): Promise<ProbeAnswer> =>
    withRetry(
      c.retry,
      async (watchdog: Watchdog) => {
        c.onRequest();
        const { response, json } = await fetchAuditLogAnswer(requestUrl(c.endpoint, w, 1, null), c.auth, watchdog);
        if (json !== null) return readPage(json);
        let nonEmpty = false;
        for await (const chunk of bodyChunks(response, watchdog)) {
          if (nonBlank(chunk)) {
            nonEmpty = true;
            break;
          }
        }
        await response.body?.cancel().catch(() => {});
        return { kind: "lines", nonEmpty };
      },
      { signal: c.signal, onRetry: (n) => c.onRetry?.("probe", n) },
    );

  const windows = probeWindows(c.today, HISTORY_FLOOR_DAY);
  const recent = await probe(windows[0]!);
  if (recent.kind === "page") {
    const whole = { first: HISTORY_FLOOR_DAY, last: c.today };
    const all = await probe(whole);
    if (capped(all, whole)) return multiTenant;
    if (!hasEvents(all)) return { day: null, how: "empty" };
    const day = all.kind === "page" ? dayOfEvent(all.first) : null;
    if (day !== null) return { day: Math.min(day, c.today), how: "earliest-event" };
    // An event without a readable timestamp: find the day by probing, as for a plain upstream.
  }
  let oldest = hasEvents(recent) ? windows[0]! : null;
  for (const w of windows.slice(1)) {
    const answer = await probe(w);
    if (capped(answer, w)) return multiTenant;
    if (hasEvents(answer)) oldest = w;
  }
  if (oldest === null) return { day: null, how: "empty" };
  const found = await bisectEarliest(oldest, async (w) => hasEvents(await probe(w)));
  return { day: found.first, how: "bisected" };
}
