import { describe, expect, it } from "vitest";
import { activityQuerySchema, defaultAsOf, panelQuerySchema, parseSearchParams, usersQuerySchema } from "@/lib/activity/params";

const parse = <S extends Parameters<typeof parseSearchParams>[1]>(q: string, s: S) => parseSearchParams(new URLSearchParams(q), s);

describe("dashboard query parameters", () => {
  it("defaults: period 3m, range 30, asOf unset", () => {
    expect(parse("", activityQuerySchema)).toEqual({ ok: true, value: { period: "3m" } });
    expect(parse("", panelQuerySchema)).toEqual({ ok: true, value: { range: 30 } });
    expect(parse("", usersQuerySchema)).toEqual({ ok: true, value: {} });
  });
  it("accepts every period and range", () => {
    for (const p of ["30d", "3m", "6m", "12m", "all"]) expect(parse(`period=${p}`, activityQuerySchema).ok).toBe(true);
    for (const r of [7, 30, 90]) expect(parse(`range=${r}`, panelQuerySchema)).toEqual({ ok: true, value: { range: r } });
  });
  it("refuses bad values, naming the parameter", () => {
    for (const q of ["asOf=2026-02-30", "asOf=2026-3-1", "asOf=yesterday", "asOf=2026-03-31T00:00:00Z", "asOf="]) {
      const r = parse(q, usersQuerySchema);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/asOf/);
    }
    const p = parse("period=1y", activityQuerySchema);
    expect(!p.ok && p.error).toMatch(/period/);
    for (const q of ["range=14", "range=", "range=7.0", "range= 7"]) {
      const r = parse(q, panelQuerySchema);
      expect(!r.ok && r.error).toMatch(/range/);
    }
    const twice = parse("period=3m&period=6m", activityQuerySchema);
    expect(!twice.ok && twice.error).toMatch(/period/);
  });
  it("defaultAsOf honours ORGTRAIL_TODAY, else today's UTC date", () => {
    expect(defaultAsOf("2026-03-31")).toBe("2026-03-31");
    expect(defaultAsOf(undefined, Date.UTC(2026, 0, 2, 23, 59))).toBe("2026-01-02");
  });
});
