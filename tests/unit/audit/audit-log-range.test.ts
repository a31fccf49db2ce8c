import { describe, expect, it } from "vitest";
import { filtersDigest, parseAuditLogQuery } from "@/lib/audit/audit-log-params";
import { parseDate } from "@/lib/audit/timestamp";

const today = parseDate("2026-03-31")!;
const q = (s: string, mode: "self-managed" | "multi-tenant" = "self-managed") => {
  const r = parseAuditLogQuery(new URLSearchParams(s), mode, today);
  if (!r.ok) throw new Error(r.error);
  return r.query;
};
const err = (s: string, mode: "self-managed" | "multi-tenant" = "self-managed") => {
  const r = parseAuditLogQuery(new URLSearchParams(s), mode, today);
  if (r.ok) throw new Error(`expected an error for ${s}`);
  return r.error;
};
const range = (s: string, mode?: "self-managed" | "multi-tenant") => {
  const r = q(s, mode);
  return [new Date(r.fromMs).toISOString(), new Date(r.toMs).toISOString()];
};

describe("audit-log range", () => {
  it("keeps the SPEC §5 window and NDJSON without the new parameters", () => {
    const r = q("startDate=2026-03-10&numDays=3");
    expect(range("startDate=2026-03-10&numDays=3")).toEqual(["2026-03-07T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
    expect(r.envelope).toBe(false);
    expect(r.filters).toEqual({ actions: null, actorEmail: null, actorUserId: null });
  });
  it("answers a JSON page when limit, endDate or cursor is given", () => {
    expect(q("limit=10").envelope).toBe(true);
    expect(q("endDate=2026-03-01").envelope).toBe(true);
    expect(q("cursor=abc.def").envelope).toBe(true);
    expect(q("endDate=2026-03-01").limit).toBe(20_000);
  });
  it("endDate alone: its last day, numDays more days back, endDate exclusive", () => {
    expect(range("endDate=2026-03-01")).toEqual(["2026-02-28T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
    expect(range("endDate=2026-03-01&numDays=2")).toEqual(["2026-02-26T00:00:00.000Z", "2026-03-01T00:00:00.000Z"]);
  });
  it("endDate as an RFC3339 instant, any offset", () => {
    expect(range("endDate=2026-03-01T12:30:00%2B02:00")).toEqual(["2026-03-01T00:00:00.000Z", "2026-03-01T10:30:00.000Z"]);
  });
  it("startDate with endDate: from startDate's midnight to endDate", () => {
    expect(range("startDate=2026-01-01&endDate=2026-02-01")).toEqual(["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
  });
  it("multi-tenant: at most 8 days counted back from the range's last day", () => {
    expect(range("startDate=2026-01-01&endDate=2026-02-01", "multi-tenant")).toEqual(["2026-01-24T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
    expect(range("endDate=2026-02-01&numDays=30", "multi-tenant")).toEqual(["2026-01-24T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]);
  });
  it("limit: 1 to 20,000; multi-tenant to 1,000,000", () => {
    expect(q("limit=20000").limit).toBe(20_000);
    expect(q("limit=1000000", "multi-tenant").limit).toBe(1_000_000);
    expect(err("limit=20001")).toBe('invalid limit "20001": must be a whole number from 1 to 20000');
    expect(err("limit=1000001", "multi-tenant")).toContain("invalid limit");
  });
  it("action: repeated or comma-separated, deduplicated and sorted", () => {
    expect(q("action=user:login&action=run:update,user:login").filters.actions).toEqual(["run:update", "user:login"]);
  });
  it("actor_email is case-insensitive; actor_user_id exact", () => {
    const f = q("actor_email=Ann@Acme.TEST&actor_user_id=VXNlcjox").filters;
    expect(f).toEqual({ actions: null, actorEmail: "ann@acme.test", actorUserId: "VXNlcjox" });
  });
  it("the filters digest differs with the filters", () => {
    const a = filtersDigest(q("action=user:login").filters);
    expect(a).toBe(filtersDigest(q("action=user:login").filters));
    expect(a).not.toBe(filtersDigest(q("action=user:logout").filters));
    expect(a).not.toBe(filtersDigest(q("").filters));
  });
  it.each([
    ["endDate=2026-02-30", "invalid endDate"],
    ["endDate=tomorrow", "invalid endDate"],
    ["startDate=2026-03-01&endDate=2026-03-01", "invalid endDate"],
    ["startDate=2026-03-01&endDate=2026-03-05&numDays=2", "invalid numDays"],
    ["limit=0", "invalid limit"],
    ["limit=-5", "invalid limit"],
    ["limit=ten", "invalid limit"],
    ["limit=1.5", "invalid limit"],
    ["cursor=", "invalid cursor"],
    ["cursor=not a cursor", "invalid cursor"],
    ["action=", "invalid action"],
    ["action=user:login,,run:update", "invalid action"],
    ["actor_email=", "invalid actor_email"],
    ["actor_user_id=%20", "invalid actor_user_id"],
    ["actor_email=a%00b", "invalid actor_email"],
  ])("400s on %s naming the parameter", (s, message) => {
    expect(err(s)).toContain(message);
  });
});
