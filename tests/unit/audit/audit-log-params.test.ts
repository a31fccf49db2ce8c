import { describe, expect, it } from "vitest";
import { parseAuditLogQuery } from "@/lib/audit/audit-log-params";
import { formatDate, parseDate } from "@/lib/audit/timestamp";

const today = parseDate("2026-03-31")!;
const q = (s: string, mode: "self-managed" | "multi-tenant" = "self-managed") => parseAuditLogQuery(new URLSearchParams(s), mode, today);
const window = (s: string, mode?: "self-managed" | "multi-tenant") => {
  const r = q(s, mode);
  if (!r.ok) throw new Error(r.error);
  return [formatDate(r.query.firstDay), formatDate(r.query.lastDay), r.query.anonymize];
};

describe("parseAuditLogQuery", () => {
  it("defaults to today only", () => expect(window("")).toEqual(["2026-03-31", "2026-03-31", false]));
  it("counts numDays back from startDate, both inclusive", () => expect(window("startDate=2026-03-10&numDays=3")).toEqual(["2026-03-07", "2026-03-10", false]));
  it("caps numDays at 7 and ignores anonymize in multi-tenant mode", () =>
    expect(window("numDays=9&anonymize=true", "multi-tenant")).toEqual(["2026-03-24", "2026-03-31", false]));
  it("anonymizes on request", () => expect(window("anonymize=true")[2]).toBe(true));
  it.each([
    ["anonymize=true", true],
    ["anonymize=TRUE", true],
    ["anonymize=1", true],
    ["anonymize=false", false],
    ["anonymize=0", false],
    ["anonymize=", false],
    ["anonymize=hash", "hash"],
    ["anonymize=Hash", "hash"],
  ])("%s keeps its meaning (hash: pseudonyms)", (s, mode) => expect(window(s)[2]).toBe(mode));
  it("ignores anonymize=hash in multi-tenant mode too", () => expect(window("anonymize=hash", "multi-tenant")[2]).toBe(false));
  it.each([
    ["startDate=2026-02-30", "invalid startDate"],
    ["startDate=yesterday", "invalid startDate"],
    ["numDays=-1", "invalid numDays"],
    ["numDays=1.5", "invalid numDays"],
    ["numDays=abc", "invalid numDays"],
    ["anonymize=maybe", "invalid anonymize"],
    ["anonymize=sha256", 'invalid anonymize "sha256": must be "true", "false" or "hash"'],
    ["anonymize=hash ", "invalid anonymize"],
  ])("400s on %s", (s, message) => {
    const r = q(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});
