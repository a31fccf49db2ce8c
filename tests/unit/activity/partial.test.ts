// Which chart points are partial (lib/activity/partial.ts), against hand-counted calendars:
// 2026-03-31 is a Tuesday, 2026-03-30 a Monday, 2026-01-01 a Thursday.
import { describe, expect, it } from "vitest";
import { crossesYear, dailyChartPoints, isOngoingRange, isUnfinishedDay, weekPartiality, weekPartialityLabel, weeklyChartPoints } from "@/lib/activity/partial";
import { parseDate } from "@/lib/audit/timestamp";

const d = (s: string) => parseDate(s)!;
const range = (from: string, to: string) => ({ from: d(from), to: d(to) });

describe("weekPartiality", () => {
  const today = d("2026-12-04"); // long after the ranges below

  it("a week cut by the end of the range: 2 of 7 days (the issue's example, 30 days to Tuesday 2026-03-31)", () => {
    const p = weekPartiality(d("2026-03-30"), range("2026-03-02", "2026-03-31"), today);
    expect(p).toEqual({ daysCounted: 2, ongoing: false, partial: true });
    expect(weekPartialityLabel(p)).toBe("partial: 2 of 7 days");
  });

  it("a week cut by the start of the range: 90 days to 2026-03-31 start on Thursday 2026-01-01, so 4 of 7 days", () => {
    const p = weekPartiality(d("2025-12-29"), range("2026-01-01", "2026-03-31"), today);
    expect(p).toEqual({ daysCounted: 4, ongoing: false, partial: true });
  });

  it("a whole week inside a finished range is not partial", () => {
    const p = weekPartiality(d("2026-03-02"), range("2026-03-02", "2026-03-31"), today);
    expect(p).toEqual({ daysCounted: 7, ongoing: false, partial: false });
    expect(weekPartialityLabel(p)).toBeNull();
  });

  it("the week holding today is partial even when the range covers it whole, and counts no day after today", () => {
    const todayTue = d("2026-03-31");
    expect(weekPartiality(d("2026-03-30"), range("2026-03-02", "2026-04-05"), todayTue)).toEqual({ daysCounted: 2, ongoing: true, partial: true });
    expect(weekPartialityLabel(weekPartiality(d("2026-03-30"), range("2026-03-02", "2026-04-05"), todayTue))).toBe("partial: 2 of 7 days, today not over");
    // Today is Sunday and the range ends today: 7 days, but the last is not over.
    const sunday = d("2026-04-05");
    expect(weekPartiality(d("2026-03-30"), range("2026-03-02", "2026-04-05"), sunday)).toEqual({ daysCounted: 7, ongoing: true, partial: true });
  });

  it("a week entirely after today counts no day", () => {
    expect(weekPartiality(d("2026-04-06"), range("2026-03-02", "2026-04-30"), d("2026-03-31"))).toEqual({ daysCounted: 0, ongoing: false, partial: true });
  });
});

describe("days and periods", () => {
  it("today and later days are unfinished; yesterday is not", () => {
    expect(isUnfinishedDay(d("2026-03-31"), d("2026-03-31"))).toBe(true);
    expect(isUnfinishedDay(d("2026-04-01"), d("2026-03-31"))).toBe(true);
    expect(isUnfinishedDay(d("2026-03-30"), d("2026-03-31"))).toBe(false);
  });

  it("a period is ongoing when it ends on or after today", () => {
    expect(isOngoingRange(range("2026-03-02", "2026-03-31"), d("2026-03-31"))).toBe(true);
    expect(isOngoingRange(range("2026-03-02", "2026-03-30"), d("2026-03-31"))).toBe(false);
  });

  it("an axis needs the year when its range crosses New Year", () => {
    expect(crossesYear(d("2025-12-09"), d("2026-03-31"))).toBe(true);
    expect(crossesYear(d("2026-01-01"), d("2026-12-31"))).toBe(false);
  });
});

describe("chart points", () => {
  it("the daily line is solid up to yesterday and dashed from yesterday to today", () => {
    const series = [
      { date: "2026-03-29", activeUsers: 5 },
      { date: "2026-03-30", activeUsers: 7 },
      { date: "2026-03-31", activeUsers: 1 },
    ];
    expect(dailyChartPoints(series, d("2026-03-31"))).toEqual([
      { date: "2026-03-29", activeUsers: 5, complete: 5, unfinished: null, note: null },
      { date: "2026-03-30", activeUsers: 7, complete: 7, unfinished: 7, note: null },
      { date: "2026-03-31", activeUsers: 1, complete: null, unfinished: 1, note: "partial: today is not over" },
    ]);
    // A past asOf: nothing partial, no dashed segment.
    expect(dailyChartPoints(series, d("2026-04-10")).every((p) => p.unfinished === null && p.note === null)).toBe(true);
  });

  it("weekly points carry their partiality from the panel's from/to", () => {
    const points = weeklyChartPoints(
      [
        { weekStart: "2026-03-23", activeUsers: 171 },
        { weekStart: "2026-03-30", activeUsers: 33 },
      ],
      { from: "2026-03-23", to: "2026-03-31" },
      d("2026-06-01"),
    );
    expect(points.map((p) => [p.weekStart, p.partial, p.note])).toEqual([
      ["2026-03-23", false, null],
      ["2026-03-30", true, "partial: 2 of 7 days"],
    ]);
  });
});
