/**
 * Calendar arithmetic of SPEC §4 on UTC day numbers (days since 1970-01-01). Pure.
 */
import { MULTI_TENANT_ACTIVITY_START } from "../audit/schema";
import { parseDate } from "../audit/timestamp";
import type { Deployment } from "../env";
import type { PanelRange, Period } from "./types";

const DAY_MS = 86_400_000;

export interface DayRange {
  /** First day, inclusive. */
  from: number;
  /** Last day, inclusive. */
  to: number;
}

function civil(day: number): { y: number; m: number; d: number } {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth(), d: date.getUTCDate() };
}

/** `day` minus `months` calendar months, the day of month clamped to the target month's end. */
export function minusMonths(day: number, months: number): number {
  const { y, m, d } = civil(day);
  const target = new Date(Date.UTC(y, m - months, 1));
  const ty = target.getUTCFullYear();
  const tm = target.getUTCMonth();
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return Date.UTC(ty, tm, Math.min(d, lastDay)) / DAY_MS;
}

/** First millisecond after the asOf day: every time at or past it is ignored. */
export function endOfDayMs(day: number): number {
  return (day + 1) * DAY_MS;
}

/** Active on or after this day is "active"; before it, "inactive" (asOf minus 6 calendar months). */
export function sixMonthCutoff(asOfDay: number): number {
  // Asked once per user of a list with the same asOf: remember the last answer.
  if (asOfDay !== lastCutoff[0]) lastCutoff = [asOfDay, minusMonths(asOfDay, 6)];
  return lastCutoff[1];
}
let lastCutoff: [number, number] = [Number.NaN, Number.NaN];

const MULTI_TENANT_START_DAY = parseDate(MULTI_TENANT_ACTIVITY_START) as number;

/** The first day whose activity counts: 2025-05-08 in multi-tenant mode, else none. */
export function activityStartDay(deployment: Deployment): number | null {
  return deployment === "multi-tenant" ? MULTI_TENANT_START_DAY : null;
}

/**
 * Days of a period ending on asOf. `all` starts on the first event's day (or, in
 * multi-tenant mode, no earlier than the first day that counts); with no event on or
 * before asOf it is the asOf day alone.
 */
export function periodBounds(period: Period, asOfDay: number, firstEventDay: number | null, deployment: Deployment = "self-managed"): DayRange {
  switch (period) {
    case "30d":
      return { from: asOfDay - 29, to: asOfDay };
    case "3m":
      return { from: minusMonths(asOfDay, 3), to: asOfDay };
    case "6m":
      return { from: minusMonths(asOfDay, 6), to: asOfDay };
    case "12m":
      return { from: minusMonths(asOfDay, 12), to: asOfDay };
    case "all": {
      const start = activityStartDay(deployment);
      let from = firstEventDay ?? asOfDay;
      if (start !== null && from < start) from = start;
      return { from: Math.min(from, asOfDay), to: asOfDay };
    }
  }
}

/** The 7, 30 or 90 days ending on asOf. */
export function panelBounds(range: PanelRange, asOfDay: number): DayRange {
  return { from: asOfDay - (range - 1), to: asOfDay };
}

/** The Monday of the ISO week holding `day` (1970-01-01 was a Thursday). */
export function isoWeekStart(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** Mondays of the ISO weeks that overlap the range, in order. */
export function isoWeeksOverlapping(range: DayRange): number[] {
  const weeks: number[] = [];
  for (let w = isoWeekStart(range.from); w <= range.to; w += 7) weeks.push(w);
  return weeks;
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): number[] {
  const days: number[] = [];
  for (let d = range.from; d <= range.to; d++) days.push(d);
  return days;
}

/**
 * Whole calendar months from `fromDay` to `toDay` (0 when less than one, or when `fromDay` is
 * later): the largest N with `toDay` minus N months (SPEC §4 clamping) on or after `fromDay`.
 * A user shown "-" (last active before asOf − 6 months) is always 6 or more.
 */
export function wholeMonthsBetween(fromDay: number, toDay: number): number {
  if (fromDay >= toDay) return 0;
  const a = civil(fromDay);
  const b = civil(toDay);
  // A first guess from the calendar fields, then corrected against the clamped rule.
  let n = Math.max(0, (b.y - a.y) * 12 + (b.m - a.m));
  while (n > 0 && minusMonths(toDay, n) < fromDay) n--;
  while (minusMonths(toDay, n + 1) >= fromDay) n++;
  return n;
}

/**
 * The days of `user_block` rows (migration 0033): a user's active days grouped by 32 days of
 * the day number, truncated toward zero as SQL's integer division is (`day / 32`), so the
 * grouping of the backfill, of the ingest and of the queries' bounds is the same.
 */
export const BLOCK_DAYS = 32;

/** The user_block group of a day. */
export function blockOf(day: number): number {
  return Math.trunc(day / BLOCK_DAYS);
}
