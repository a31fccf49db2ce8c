// The user page's calendar heatmap layout (components/user-page/heatmap-layout.ts): ISO weeks
// as columns, days outside the range empty, every day of the range exactly once, month labels.
import { describe, expect, it } from "vitest";
import { addDays, heatLevel, heatmapWeeks } from "@/components/user-page/heatmap-layout";

describe("heatmapWeeks", () => {
  it("lays the range out in Monday-first weeks, each day once, with its events", () => {
    // 2026-03-01 is a Sunday, 2026-03-31 a Tuesday.
    const weeks = heatmapWeeks("2026-03-01", "2026-03-31", [
      { date: "2026-03-01", events: 2 },
      { date: "2026-03-31", events: 8 },
    ]);
    expect(weeks.map((w) => w.start)).toEqual(["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]);
    expect(weeks[0]!.days.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(weeks[0]!.days[6]).toEqual({ date: "2026-03-01", events: 2, level: 1 });
    expect(weeks[5]!.days[1]).toEqual({ date: "2026-03-31", events: 8, level: 4 });
    expect(weeks[5]!.days.slice(2)).toEqual([null, null, null, null, null]);
    const all = weeks.flatMap((w) => w.days).filter((c) => c !== null);
    expect(all.map((c) => c!.date)).toEqual(Array.from({ length: 31 }, (_, i) => `2026-03-${String(i + 1).padStart(2, "0")}`));
    expect(all.filter((c) => c!.events > 0)).toHaveLength(2);
    // The week holding March 1st is labelled, no other.
    expect(weeks.map((w) => w.monthLabel)).toEqual(["Mar", null, null, null, null, null]);
  });

  it("covers a 12-month range (53 or 54 columns) and a leap day", () => {
    const weeks = heatmapWeeks("2023-03-31", "2024-03-31", []);
    const days = weeks.flatMap((w) => w.days).filter((c) => c !== null);
    expect(days).toHaveLength(367);
    expect(days.some((c) => c!.date === "2024-02-29")).toBe(true);
    expect(weeks.filter((w) => w.monthLabel !== null)).toHaveLength(12);
    expect(heatmapWeeks("2026-03-02", "2026-03-01", [])).toEqual([]);
  });

  it("grades counts in four levels of the busiest day", () => {
    expect([0, 1, 25, 26, 50, 51, 75, 76, 100].map((n) => heatLevel(n, 100))).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(heatLevel(1, 1)).toBe(4);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-03-01", -7)).toBe("2026-02-22");
  });
});
