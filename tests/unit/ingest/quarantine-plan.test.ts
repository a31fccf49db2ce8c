// The quarantine's bounds: per source and UTC day, and per organization; past them a line
// is only counted.
import { describe, expect, it } from "vitest";
import { planQuarantine, type RejectedLine } from "@/lib/ingest/quarantine-plan";

const AT = Date.parse("2026-12-04T10:00:00Z");
const DAY = Math.floor(AT / 86_400_000);
const lines = (n: number): RejectedLine[] => Array.from({ length: n }, (_, i) => ({ line: i + 1, reason: "invalid JSON", raw: `{bad ${i}`, bytes: 6 }));

describe("planQuarantine", () => {
  it("keeps lines as received, with their line, source, origin and reason", () => {
    const plan = planQuarantine(
      {
        source: "cli",
        origin: "f.ndjson",
        receivedAt: AT,
        lines: [{ line: 7, reason: "invalid UTF-8", raw: new Uint8Array([0x7b, 0xff]), bytes: 2 }, ...lines(1)],
      },
      { perDay: 10, total: 100 },
      { keptOn: () => 0, held: () => 0 },
    );
    expect(plan.rows).toEqual([
      { received_at: AT, source: "cli", origin: "f.ndjson", line: 7, reason: "invalid UTF-8", raw: new Uint8Array([0x7b, 0xff]), bytes: 2 },
      { received_at: AT, source: "cli", origin: "f.ndjson", line: 1, reason: "invalid JSON", raw: new TextEncoder().encode("{bad 0"), bytes: 6 },
    ]);
    expect(plan.day).toEqual({ source: "cli", day: DAY, kept: 2, dropped: 0 });
  });

  it("keeps at most perDay per source and day, and total per organization; counts the rest", () => {
    const asked: [string, number][] = [];
    const plan = planQuarantine(
      { source: "api", origin: "ops", receivedAt: AT, lines: lines(10) },
      { perDay: 5, total: 100 },
      {
        keptOn: (source, day) => (asked.push([source, day]), 3),
        held: () => 50,
      },
    );
    expect(asked).toEqual([["api", DAY]]);
    expect(plan.rows.map((r) => r.line)).toEqual([1, 2]);
    expect(plan.day).toEqual({ source: "api", day: DAY, kept: 2, dropped: 8 });
    const full = planQuarantine(
      { source: "api", origin: "ops", receivedAt: AT, lines: lines(4) },
      { perDay: 50, total: 100 },
      { keptOn: () => 0, held: () => 99 },
    );
    expect(full.day).toEqual({ source: "api", day: DAY, kept: 1, dropped: 3 });
    const over = planQuarantine(
      { source: "api", origin: "ops", receivedAt: AT, lines: lines(2) },
      { perDay: 5, total: 100 },
      { keptOn: () => 9, held: () => 0 },
    );
    expect(over.day).toEqual({ source: "api", day: DAY, kept: 0, dropped: 2 });
    expect(planQuarantine({ source: "api", origin: "", receivedAt: AT, lines: [] }, { perDay: 5, total: 5 }, { keptOn: () => 0, held: () => 0 })).toEqual({
      rows: [],
      day: null,
    });
  });
});
