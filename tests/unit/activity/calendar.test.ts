import { describe, expect, it } from "vitest";
import { daysOf, isoWeekStart, isoWeeksOverlapping, minusMonths, panelBounds, periodBounds, sixMonthCutoff, wholeMonthsBetween } from "@/lib/activity/calendar";
import { formatDate, parseDate } from "@/lib/audit/timestamp";

const d = (s: string) => {
  const day = parseDate(s);
  if (day === null) throw new Error(`bad date ${s}`);
  return day;
};
const f = formatDate;

describe("minusMonths (day of month clamped to the month's end)", () => {
  it.each([
    ["2026-03-31", 6, "2025-09-30"],
    ["2026-03-31", 3, "2025-12-31"],
    ["2026-03-31", 12, "2025-03-31"],
    ["2026-03-31", 1, "2026-02-28"],
    ["2026-05-31", 3, "2026-02-28"],
    ["2024-05-31", 3, "2024-02-29"],
    ["2024-02-29", 12, "2023-02-28"],
    ["2025-02-28", 12, "2024-02-28"],
    ["2028-08-31", 6, "2028-02-29"],
    ["2026-01-15", 1, "2025-12-15"],
    ["2026-08-31", 6, "2026-02-28"],
    ["2026-03-30", 1, "2026-02-28"],
    ["2026-03-28", 1, "2026-02-28"],
    ["2026-03-01", 6, "2025-09-01"],
  ])("%s minus %i months is %s", (from, n, want) => {
    expect(f(minusMonths(d(from), n))).toBe(want);
  });
});

describe("sixMonthCutoff", () => {
  it("is asOf minus six calendar months (the example's edge)", () => {
    expect(f(sixMonthCutoff(d("2026-03-31")))).toBe("2025-09-30");
    expect(f(sixMonthCutoff(d("2026-08-31")))).toBe("2026-02-28");
  });
});

describe("periodBounds", () => {
  const asOf = d("2026-03-31");
  it("30d is the 30 days ending on asOf", () => {
    expect(periodBounds("30d", asOf, null)).toEqual({ from: d("2026-03-02"), to: asOf });
  });
  it("3m / 6m / 12m go back N calendar months", () => {
    expect(periodBounds("3m", asOf, null)).toEqual({ from: d("2025-12-31"), to: asOf });
    expect(periodBounds("6m", asOf, null)).toEqual({ from: d("2025-09-30"), to: asOf });
    expect(periodBounds("12m", asOf, null)).toEqual({ from: d("2025-03-31"), to: asOf });
    expect(periodBounds("3m", d("2026-05-31"), null).from).toBe(d("2026-02-28"));
  });
  it("all starts on the first event's day", () => {
    expect(periodBounds("all", asOf, d("2025-06-01"))).toEqual({ from: d("2025-06-01"), to: asOf });
  });
  it("all is the asOf day alone with no event, or only later ones", () => {
    expect(periodBounds("all", asOf, null)).toEqual({ from: asOf, to: asOf });
    expect(periodBounds("all", asOf, d("2026-04-02"))).toEqual({ from: asOf, to: asOf });
  });
  it("all starts no earlier than 2025-05-08 in multi-tenant mode", () => {
    expect(periodBounds("all", asOf, d("2024-01-01"), "multi-tenant").from).toBe(d("2025-05-08"));
    expect(periodBounds("all", asOf, d("2024-01-01"), "self-managed").from).toBe(d("2024-01-01"));
    expect(periodBounds("all", asOf, d("2025-06-01"), "multi-tenant").from).toBe(d("2025-06-01"));
  });
});

describe("panel ranges and ISO weeks", () => {
  it("the 7, 30, 90 days ending on asOf", () => {
    expect(panelBounds(7, d("2026-03-31"))).toEqual({ from: d("2026-03-25"), to: d("2026-03-31") });
    expect(panelBounds(30, d("2026-03-31")).from).toBe(d("2026-03-02"));
    expect(panelBounds(90, d("2026-03-31")).from).toBe(d("2026-01-01"));
  });
  it.each([
    ["2026-03-31", "2026-03-30"], // Tuesday
    ["2026-03-30", "2026-03-30"], // Monday
    ["2026-03-29", "2026-03-23"], // Sunday
    ["2026-01-01", "2025-12-29"], // ISO week crossing the year
    ["1970-01-01", "1969-12-29"], // day 0 was a Thursday
    ["1969-12-28", "1969-12-22"], // negative day numbers
  ])("the ISO week of %s starts on %s", (day, monday) => {
    expect(f(isoWeekStart(d(day)))).toBe(monday);
  });
  it("lists the weeks overlapping the range, clipped weeks included", () => {
    expect(isoWeeksOverlapping({ from: d("2026-03-25"), to: d("2026-03-31") }).map(f)).toEqual(["2026-03-23", "2026-03-30"]);
    expect(isoWeeksOverlapping({ from: d("2026-03-23"), to: d("2026-03-29") }).map(f)).toEqual(["2026-03-23"]);
    expect(isoWeeksOverlapping(panelBounds(30, d("2026-03-31")))).toHaveLength(5);
    expect(isoWeeksOverlapping(panelBounds(90, d("2026-03-31")))).toHaveLength(14);
  });
  it("daysOf lists every day inclusively", () => {
    expect(daysOf({ from: d("2026-02-27"), to: d("2026-03-01") }).map(f)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});

describe("wholeMonthsBetween (the '-' tooltip's 'N months ago')", () => {
  const day = (s: string) => parseDate(s)!;
  it("counts whole calendar months with the SPEC's month-end clamping", () => {
    expect(wholeMonthsBetween(day("2025-09-30"), day("2026-03-31"))).toBe(6);
    expect(wholeMonthsBetween(day("2025-10-01"), day("2026-03-31"))).toBe(5);
    expect(wholeMonthsBetween(day("2026-02-28"), day("2026-03-31"))).toBe(1);
    expect(wholeMonthsBetween(day("2026-03-01"), day("2026-03-31"))).toBe(0);
    expect(wholeMonthsBetween(day("2024-06-01"), day("2026-03-31"))).toBe(21);
    expect(wholeMonthsBetween(day("2026-04-01"), day("2026-03-31"))).toBe(0);
  });
  it("is six or more for every user the six-month rule calls inactive, and below six for the others but the edge day", () => {
    for (const asOf of [day("2026-03-31"), day("2024-08-31"), day("2026-01-15")]) {
      const cutoff = sixMonthCutoff(asOf);
      for (let last = asOf - 400; last <= asOf; last++) {
        const inactive = last < cutoff;
        expect(wholeMonthsBetween(last, asOf) >= 6, `${formatDate(last)} to ${formatDate(asOf)}`).toBe(inactive || last === cutoff);
      }
    }
  });
});
