/**
 * Which points of the dashboard's charts cover less than they seem to (issue 15, "honest
 * charts"): today's unfinished day, a week cut by the range or still under way, a period
 * ending on or after today. Pure: the page hands in the server's today.
 */
import { parseDate } from "../audit/timestamp";
import { isoWeekStart, type DayRange } from "./calendar";

export const WEEK_DAYS = 7;

/** A day that has not ended: today, or a day after it (asOf may lie in the future). */
export function isUnfinishedDay(day: number, todayDay: number): boolean {
  return day >= todayDay;
}

/** A period (or panel range) whose last day has not ended, so its numbers may still grow. */
export function isOngoingRange(range: DayRange, todayDay: number): boolean {
  return range.to >= todayDay;
}

export interface WeekPartiality {
  /** Days of the week inside the range that have ended or are today (0–7). */
  daysCounted: number;
  /** The week holds today, inside the range: its count may still grow. */
  ongoing: boolean;
  /** Fewer than 7 counted days, or ongoing: the bar is not a whole week. */
  partial: boolean;
}

/**
 * How much of the ISO week starting on `weekStart` (a Monday) a weekly point covers: its
 * days inside `range` (SPEC §4: only those count), not after today.
 */
export function weekPartiality(weekStart: number, range: DayRange, todayDay: number): WeekPartiality {
  const first = Math.max(weekStart, range.from);
  const last = Math.min(weekStart + WEEK_DAYS - 1, range.to, todayDay);
  const daysCounted = Math.max(0, last - first + 1);
  const ongoing = todayDay >= weekStart && todayDay <= weekStart + WEEK_DAYS - 1 && todayDay >= range.from && todayDay <= range.to;
  return { daysCounted, ongoing, partial: daysCounted < WEEK_DAYS || ongoing };
}

/** The tooltip's words for a partial week: "partial: 2 of 7 days", ", today not over" when it holds today. */
export function weekPartialityLabel(p: WeekPartiality): string | null {
  if (!p.partial) return null;
  return `partial: ${p.daysCounted} of ${WEEK_DAYS} days${p.ongoing ? ", today not over" : ""}`;
}

/** The tooltip's words for a day point: null for a finished day. */
export function dayPartialityLabel(day: number, todayDay: number): string | null {
  if (day === todayDay) return "partial: today is not over";
  if (day > todayDay) return "partial: this day has not started";
  return null;
}

/** An axis over these days needs the year on its labels (else "Dec 9 … Dec 9" repeats). */
export function crossesYear(fromDay: number, toDay: number): boolean {
  return new Date(fromDay * 86_400_000).getUTCFullYear() !== new Date(toDay * 86_400_000).getUTCFullYear();
}

/** The Monday of the week holding `day` (re-exported for the chart code). */
export { isoWeekStart };

/** A point of "Users active over time" as the chart draws it. */
export interface DailyChartPoint {
  date: string;
  activeUsers: number;
  /** The solid line: finished days (null on unfinished ones). */
  complete: number | null;
  /** The dashed line: from the last finished day to the unfinished ones (null elsewhere). */
  unfinished: number | null;
  /** What the tooltip adds ("partial: today is not over"), null for a finished day. */
  note: string | null;
}

/**
 * Splits the daily series into a solid line over finished days and a dashed one joining the
 * last finished day to today (and any later day), so today's low count does not read as a drop.
 */
export function dailyChartPoints(series: readonly { date: string; activeUsers: number }[], todayDay: number): DailyChartPoint[] {
  const days = series.map((p) => parseDate(p.date) ?? Number.NEGATIVE_INFINITY);
  const firstUnfinished = days.findIndex((d) => isUnfinishedDay(d, todayDay));
  return series.map((p, i) => {
    const unfinished = firstUnfinished !== -1 && i >= firstUnfinished;
    const joins = firstUnfinished !== -1 && i === firstUnfinished - 1;
    return {
      date: p.date,
      activeUsers: p.activeUsers,
      complete: unfinished ? null : p.activeUsers,
      unfinished: unfinished || joins ? p.activeUsers : null,
      note: unfinished ? dayPartialityLabel(days[i]!, todayDay) : null,
    };
  });
}

/** A weekly bar as the chart draws it. */
export interface WeeklyChartPoint {
  weekStart: string;
  activeUsers: number;
  partial: boolean;
  /** "partial: 2 of 7 days" (null for a whole week). */
  note: string | null;
}

/** Marks the weeks of the panel that are cut by its range or still under way. */
export function weeklyChartPoints(
  weekly: readonly { weekStart: string; activeUsers: number }[],
  range: { from: string; to: string },
  todayDay: number,
): WeeklyChartPoint[] {
  const bounds = { from: parseDate(range.from) ?? 0, to: parseDate(range.to) ?? 0 };
  return weekly.map((w) => {
    const p = weekPartiality(parseDate(w.weekStart) ?? 0, bounds, todayDay);
    return { weekStart: w.weekStart, activeUsers: w.activeUsers, partial: p.partial, note: weekPartialityLabel(p) };
  });
}
