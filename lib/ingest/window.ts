// The configured bounds of ingest (docs/INGEST.md): the plausible window of event times and
// the quarantine's bounds, read from the environment.
import type { PlausibleWindow } from "../audit/plausible";
import { env } from "../env";
import type { QuarantineLimits } from "./quarantine-plan";

const HOUR_MS = 3_600_000;

/** ORGTRAIL_EVENTS_NOT_BEFORE (a UTC day) to the server's clock plus ORGTRAIL_EVENTS_MAX_FUTURE_HOURS. */
export function plausibleWindow(now: number = Date.now()): PlausibleWindow {
  const e = env();
  return { notBeforeMs: Date.parse(`${e.ORGTRAIL_EVENTS_NOT_BEFORE}T00:00:00.000Z`), notAfterMs: now + e.ORGTRAIL_EVENTS_MAX_FUTURE_HOURS * HOUR_MS };
}

export function quarantineLimits(): QuarantineLimits {
  const e = env();
  return { perDay: e.ORGTRAIL_QUARANTINE_MAX_PER_DAY, total: e.ORGTRAIL_QUARANTINE_MAX_LINES };
}
