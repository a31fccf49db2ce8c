// The pure parts of the bench's "dashboard while a CLI ingest runs" (scripts/bench-during-ingest.ts).
import { describe, expect, it } from "vitest";
import { duringIngestGoal, futureHoursFor, laterBatch, summarize } from "../../../scripts/bench-during-ingest";

describe("laterBatch", () => {
  it("continues on the day after the loaded data, as dense per day, 30 to 180 days", () => {
    expect(laterBatch({ events: 5_000_000, days: 730, endDate: "2026-11-25" }, 1_000_000)).toEqual({
      events: 1_000_000,
      days: 146,
      startDate: "2026-11-26",
      endDate: "2027-04-20",
    });
    expect(laterBatch({ events: 50_000, days: 730, endDate: "2026-11-25" }, 100_000).days).toBe(180);
    expect(laterBatch({ events: 5_000_000, days: 730, endDate: "2026-12-31" }, 1_000).days).toBe(30);
  });
});

describe("futureHoursFor", () => {
  const now = Date.parse("2026-12-05T12:00:00Z");
  it("is the default 24 when the batch ends before the clock", () => {
    expect(futureHoursFor("2026-12-01", now)).toBe(24);
  });
  it("reaches past the end of the batch's last day", () => {
    // 2026-12-10T24:00Z is 5.5 days after the clock: 132 hours, and one more.
    expect(futureHoursFor("2026-12-10", now)).toBe(133);
  });
  it("refuses more than the setting allows", () => {
    expect(() => futureHoursFor("2028-01-01", now)).toThrow(/more than a year/);
  });
});

describe("summarize", () => {
  it("gives nearest-rank percentiles over all routes and the route with the highest p99", () => {
    const samples = [...Array.from({ length: 99 }, (_v, i) => ({ route: "a", ms: i + 1 })), { route: "b", ms: 500 }, { route: "b", ms: 2 }];
    const s = summarize(samples);
    expect(s).toMatchObject({ requests: 101, p50: 50, p99: 99, max: 500 });
    expect(s.worst).toEqual({ route: "b", p99: 500, requests: 2 });
    expect(duringIngestGoal(s)).toBe("< 200 ms: met");
    expect(duringIngestGoal(summarize([{ route: "a", ms: 250 }]))).toBe("< 200 ms: **missed**");
    expect(duringIngestGoal(summarize([]))).toBe("< 200 ms: **missed**");
  });
});
