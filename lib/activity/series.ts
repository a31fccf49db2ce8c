/** Zero-filled daily and weekly series (SPEC §4). Pure. */
import { formatDate } from "../audit/timestamp";
import { daysOf, isoWeeksOverlapping, type DayRange } from "./calendar";
import type { ActivityPoint, WeeklyPoint } from "./types";

/** One point per day of the range; days missing from `counts` are zero. */
export function dailySeries(range: DayRange, counts: ReadonlyMap<number, number>): ActivityPoint[] {
  return daysOf(range).map((day) => ({ date: formatDate(day), activeUsers: counts.get(day) ?? 0 }));
}

/** One point per ISO week overlapping the range (keyed by its Monday); missing weeks are zero. */
export function weeklySeries(range: DayRange, counts: ReadonlyMap<number, number>): WeeklyPoint[] {
  return isoWeeksOverlapping(range).map((week) => ({ weekStart: formatDate(week), activeUsers: counts.get(week) ?? 0 }));
}
