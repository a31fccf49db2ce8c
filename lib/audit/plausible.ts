import { formatTimestamp } from "./timestamp";

/**
 * The times an event may carry to be stored (docs/INGEST.md, "The plausible window"): one
 * stray timestamp in year 1 or 9999 would otherwise stretch the "All time" chart over
 * centuries and, on PostgreSQL, create a monthly partition per month up to it. Both bounds
 * are inclusive epoch milliseconds; the caller derives them from the configuration and the
 * server's clock (lib/ingest/window.ts).
 */
export interface PlausibleWindow {
  notBeforeMs: number;
  notAfterMs: number;
}

/** Why a time is outside the window, or null when it is inside. */
export function outsideWindow(tsMs: number, window: PlausibleWindow): string | null {
  if (tsMs < window.notBeforeMs) {
    return `field "timestamp": ${formatTimestamp(tsMs)} is before the plausible window, which starts at ${formatTimestamp(window.notBeforeMs)} (ORGTRAIL_EVENTS_NOT_BEFORE)`;
  }
  if (tsMs > window.notAfterMs) {
    return `field "timestamp": ${formatTimestamp(tsMs)} is after the plausible window, which ends at ${formatTimestamp(window.notAfterMs)} (the server's clock plus ORGTRAIL_EVENTS_MAX_FUTURE_HOURS)`;
  }
  return null;
}

/** The whole range of timestamps RFC 3339 can write: no window (for tests and tools that need none). */
export const ANY_TIME: PlausibleWindow = { notBeforeMs: -62_135_596_800_000, notAfterMs: 253_402_300_799_999 };
