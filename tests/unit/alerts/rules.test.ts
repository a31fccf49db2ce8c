import { describe, expect, it } from "vitest";
import { alertRulesInputSchema, DEFAULT_RULES, findBursts, isAlertable, parseStoredRules } from "@/lib/alerts/rules";
import { zodMessage } from "@/lib/http/errors";

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

describe("watched actions come from the catalogue", () => {
  const withActions = (actions: string[]) => ({ ...DEFAULT_RULES, actions: { enabled: true, actions } });

  it("refuses a misspelt action, naming it", () => {
    const parsed = alertRulesInputSchema.safeParse(withActions(["user:create_api_key", "user:create_api_kye"]));
    expect(parsed.success).toBe(false);
    expect(zodMessage(parsed.error!, "body")).toBe('actions.actions.1: unknown action "user:create_api_kye": not in the audit-log action catalogue');
  });

  it("accepts the catalogue's actions (the defaults among them)", () => {
    expect(alertRulesInputSchema.safeParse(withActions(["user:create_api_key", "team:delete", "run:delete_many", "user:permanently_delete"])).success).toBe(
      true,
    );
    expect(alertRulesInputSchema.safeParse(DEFAULT_RULES).success).toBe(true);
  });

  it("stored rules with an action saved before the check still load (the page flags it)", () => {
    expect(parseStoredRules(JSON.stringify(withActions(["user:create_api_kye"]))).actions.actions).toEqual(["user:create_api_kye"]);
  });
});
