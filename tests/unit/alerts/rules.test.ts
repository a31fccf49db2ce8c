import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, findBursts, isAlertable, parseStoredRules } from "@/lib/alerts/rules";

const MIN = 60_000;

describe("findBursts", () => {
  const t0 = Date.UTC(2026, 2, 1, 10);
  const at = (...minutes: number[]) => minutes.map((m) => t0 + m * MIN);

  it("fires once when N failures fall within M minutes", () => {
    const times = at(0, 1, 2, 3, 4);
    expect(findBursts(times, times, 5, 5 * MIN)).toEqual([{ from: t0, to: t0 + 4 * MIN, count: 5 }]);
  });

  it("does not fire when they are spread wider than the window", () => {
    const times = at(0, 2, 4, 6, 8);
    expect(findBursts(times, times, 3, 5 * MIN)).toEqual([{ from: t0, to: t0 + 4 * MIN, count: 3 }]);
    expect(findBursts(times, times, 4, 5 * MIN)).toEqual([]);
  });

  it("the window is half-open: a failure exactly M minutes earlier is outside", () => {
    expect(findBursts(at(0, 5), at(0, 5), 2, 5 * MIN)).toEqual([]);
    expect(findBursts(at(0, 4.99), at(0, 4.99), 2, 5 * MIN)).toHaveLength(1);
  });

  it("one burst, one alert: a continuing burst is cooled down for one window", () => {
    const times = at(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    const bursts = findBursts(times, times, 3, 5 * MIN);
    expect(bursts.map((b) => (b.to - t0) / MIN)).toEqual([2, 7]);
  });

  it("respects alerts already queued and needs a new failure in the window", () => {
    const times = at(0, 1, 2);
    expect(findBursts(times, times, 3, 5 * MIN, [t0 + 2 * MIN])).toEqual([]);
    // Only old failures around: the batch's failure is far away.
    expect(findBursts([...at(0, 1, 2), t0 + 60 * MIN], [t0 + 60 * MIN], 3, 5 * MIN)).toEqual([]);
    expect(findBursts(at(0, 1, 2), at(2), 3, 5 * MIN)).toHaveLength(1);
  });
});

describe("rules", () => {
  it("stored rules are completed with defaults; garbage gives the defaults", () => {
    expect(parseStoredRules(null)).toEqual(DEFAULT_RULES);
    expect(parseStoredRules("{nope")).toEqual(DEFAULT_RULES);
    const partial = parseStoredRules(JSON.stringify({ authFailures: { enabled: true, threshold: 3, windowMinutes: 2 } }));
    expect(partial.authFailures).toEqual({ enabled: true, threshold: 3, windowMinutes: 2 });
    expect(partial.inactiveDigest.enabled).toBe(false);
  });

  it("only recent events alert (a backfill does not flood the channel)", () => {
    const now = Date.UTC(2026, 2, 31, 12);
    expect(isAlertable(now - 60 * MIN, now)).toBe(true);
    expect(isAlertable(now - 25 * 60 * MIN, now)).toBe(false);
    expect(isAlertable(now + 30 * MIN, now)).toBe(true);
  });
});
