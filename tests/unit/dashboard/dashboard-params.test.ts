// The dashboard's URL (components/dashboard/dashboard-params.ts): known values are read, the
// others listed for the one banner (instead of reaching every API call as a 400).
import { describe, expect, it } from "vitest";
import { parseDashboardParams } from "@/components/dashboard/dashboard-params";

const parse = (q: string) => parseDashboardParams(new URLSearchParams(q));

describe("parseDashboardParams", () => {
  it("reads the defaults and every known value", () => {
    expect(parse("")).toMatchObject({
      tab: "users",
      period: "3m",
      trend: "6m",
      range: 30,
      status: "all",
      cols: [],
      days: 90,
      sort: null,
      q: "",
      asOf: undefined,
      invalid: [],
    });
    expect(parse("tab=seats&status=invite_pending&cols=modelsSeat,runs&days=30&asOf=2024-02-29&sort=runs.desc&q=garcia")).toMatchObject({
      tab: "seats",
      status: "invite_pending",
      cols: ["runs", "modelsSeat"],
      days: 30,
      asOf: "2024-02-29",
      sort: { id: "runs", desc: true },
      q: "garcia",
      invalid: [],
    });
  });

  it("lists a date that is not on the calendar and an unknown period, and falls back to the defaults", () => {
    const p = parse("asOf=2020-02-30&period=7y&tab=activity");
    expect(p.asOf).toBeUndefined();
    expect(p.period).toBe("3m");
    expect(p.tab).toBe("activity");
    expect(p.invalid.map((i) => [i.name, i.value])).toEqual([
      ["period", "7y"],
      ["asOf", "2020-02-30"],
    ]);
    expect(p.invalid.find((i) => i.name === "asOf")!.reason).toMatch(/calendar date/);
  });

  it("lists every other bad value too", () => {
    const p = parse("tab=x&trend=1d&range=14&status=gone&days=45&sort=email.up&cols=runs,secret&asOf=2026-3-1");
    expect(p.invalid.map((i) => i.name)).toEqual(["tab", "trend", "range", "status", "days", "sort", "cols", "asOf"]);
  });
});
