import { describe, expect, it } from "vitest";
import { parseDate } from "@/lib/audit/timestamp";
import { computeProgress, describePullProgress, formatDuration, formatProgress, type ProgressInput } from "@/lib/sources/pull-progress";

const day = (s: string) => parseDate(s)!;
const T0 = Date.UTC(2026, 1, 28, 12, 0, 0);
const counts = { fetched: 12_345, accepted: 12_000, duplicates: 345, rejected: 0, requests: 40 };
const input = (over: Partial<ProgressInput> = {}): ProgressInput => ({
  phase: "fetching",
  source: "http://10.0.0.5:3001/admin/audit_logs",
  org: "default",
  firstDay: day("2024-03-01"),
  today: day("2026-02-28"),
  doneThrough: day("2024-03-01") + 99,
  doneAtStart: day("2024-03-01") - 1,
  counts,
  startedAt: T0,
  now: T0 + 10_000,
  ...over,
});

describe("computeProgress", () => {
  it("counts days from the history's first day to today, and the ETA from this run's pace", () => {
    const p = computeProgress(input());
    expect(p).toMatchObject({
      v: 1,
      phase: "fetching",
      firstDay: "2024-03-01",
      today: "2026-02-28",
      daysDone: 100,
      daysTotal: 730,
      events: 12_345,
      eventsPerSecond: 1235,
      error: null,
    });
    // 100 days in 10 s: 630 days left take 63 s.
    expect(p.etaSeconds).toBe(63);
    expect(p.startedAt).toBe("2026-02-28T12:00:00.000Z");
    expect(p.updatedAt).toBe("2026-02-28T12:00:10.000Z");
  });

  it("after a resume, sets the pace from this run's days only", () => {
    // 600 days were done before this run; it did 30 more in 10 s: 100 left, 33 s.
    const p = computeProgress(input({ doneAtStart: day("2024-03-01") + 599, doneThrough: day("2024-03-01") + 629 }));
    expect(p).toMatchObject({ daysDone: 630, daysTotal: 730 });
    expect(p.etaSeconds).toBe(33);
  });

  it("has no ETA while probing or before any day is done, and all days when done", () => {
    expect(computeProgress(input({ phase: "probing", firstDay: null })).etaSeconds).toBeNull();
    expect(computeProgress(input({ phase: "probing", firstDay: null })).daysTotal).toBe(0);
    expect(computeProgress(input({ doneThrough: day("2024-03-01") - 1 })).etaSeconds).toBeNull();
    expect(computeProgress(input({ phase: "done", doneThrough: day("2026-02-28") - 1 }))).toMatchObject({ daysDone: 730, etaSeconds: 0 });
    expect(computeProgress(input({ phase: "stopped", error: "upstream answered 401" })).error).toBe("upstream answered 401");
  });
});

describe("formatProgress", () => {
  it("says days, events, rate and ETA on one line", () => {
    expect(formatProgress(computeProgress(input()))).toBe("100/730 days (13%), 12,345 events, 1,235/s, ETA 1 min 03 s");
    expect(formatProgress(computeProgress(input({ phase: "done" })))).toBe("730/730 days (100%), 12,345 events, 1,235/s, done in 10 s");
    expect(formatProgress(computeProgress(input({ phase: "probing", firstDay: null })))).toBe("looking for the upstream's earliest day (40 requests)");
  });

  it("formats durations", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(190)).toBe("3 min 10 s");
    expect(formatDuration(7500)).toBe("2 h 05 min");
  });
});

describe("describePullProgress (the Data page's line)", () => {
  const stored = (over: Partial<ProgressInput> = {}) => JSON.parse(JSON.stringify(computeProgress(input(over)))) as Record<string, unknown>;
  it("reads a stored progress back, in each phase", () => {
    expect(describePullProgress(stored())).toBe("fetching: 100/730 days (13%) from 2024-03-01 · 12,345 events this run, 1,235/s · ETA 1 min 03 s");
    expect(describePullProgress(stored({ phase: "done" }))).toBe("up to date: 730 days from 2024-03-01 · 12,345 events this run");
    expect(describePullProgress(stored({ phase: "stopped", error: "upstream answered 401 Unauthorized" }))).toBe(
      "stopped at 100/730 days from 2024-03-01: upstream answered 401 Unauthorized",
    );
    expect(describePullProgress(stored({ phase: "probing", firstDay: null }))).toBe("looking for the upstream's earliest day (40 requests)");
  });
  it("leaves other jobs' progress to the generic display", () => {
    expect(describePullProgress({ done: 3, total: 10 })).toBeNull();
    expect(describePullProgress({ completeBefore: "2026-01-01" })).toBeNull();
    expect(describePullProgress({ v: 2, phase: "done", daysDone: 1, daysTotal: 1 })).toBeNull();
  });
});
