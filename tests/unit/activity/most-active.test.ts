import { describe, expect, it } from "vitest";
import { rankMostActive, type RangeActivity } from "@/lib/activity/most-active";
import { dailySeries, weeklySeries } from "@/lib/activity/series";
import { parseDate } from "@/lib/audit/timestamp";

const r = (userId: number, username: string | null, email: string | null, activeDays: number, lastActiveMs: number): RangeActivity => ({
  userId,
  username,
  email,
  activeDays,
  lastActiveMs,
});

describe("rankMostActive", () => {
  it("orders by active days, then last active, then username (email when none)", () => {
    const ranked = rankMostActive([
      r(1, "zed", "z@x", 2, 100),
      r(2, "amy", "a@x", 5, 50),
      r(3, "bob", "b@x", 2, 200),
      r(4, null, "c@x", 2, 100),
      r(5, "d", null, 2, 100),
    ]);
    expect(ranked.map((u) => u.username ?? u.email)).toEqual(["amy", "bob", "c@x", "d", "zed"]);
  });
  it("compares names by code unit (uppercase before lowercase), whatever the locale", () => {
    const ranked = rankMostActive([r(1, "bob", null, 1, 1), r(2, "Bob", null, 1, 1), r(3, "alice", null, 1, 1)]);
    expect(ranked.map((u) => u.username)).toEqual(["Bob", "alice", "bob"]);
  });
  it("keeps the top ten and formats last active as RFC3339", () => {
    const rows = Array.from({ length: 15 }, (_, i) => r(i + 1, `u${String(i).padStart(2, "0")}`, null, 15 - i, Date.UTC(2026, 2, 1)));
    const ranked = rankMostActive(rows);
    expect(ranked).toHaveLength(10);
    expect(ranked[0]).toEqual({ id: 1, username: "u00", email: null, activeDays: 15, lastActive: "2026-03-01T00:00:00.000Z" });
    expect(ranked[9]?.username).toBe("u09");
  });
});

describe("series", () => {
  const d = (s: string) => parseDate(s)!;
  it("zero-fills one point per day", () => {
    const series = dailySeries({ from: d("2026-02-27"), to: d("2026-03-01") }, new Map([[d("2026-02-28"), 3]]));
    expect(series).toEqual([
      { date: "2026-02-27", activeUsers: 0 },
      { date: "2026-02-28", activeUsers: 3 },
      { date: "2026-03-01", activeUsers: 0 },
    ]);
  });
  it("weekly points start on Mondays, also before the range", () => {
    const weekly = weeklySeries({ from: d("2026-03-25"), to: d("2026-03-31") }, new Map([[d("2026-03-23"), 2]]));
    expect(weekly).toEqual([
      { weekStart: "2026-03-23", activeUsers: 2 },
      { weekStart: "2026-03-30", activeUsers: 0 },
    ]);
  });
});
