// `/admin/audit_logs?q=`: the explorer's filter language as an extension of the seed's parameters.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { filtersDigest, parseAuditLogQuery } from "@/lib/audit/audit-log-params";
import { parseDate } from "@/lib/audit/timestamp";

const today = parseDate("2026-03-31")!;
const parse = (query: string) => parseAuditLogQuery(new URLSearchParams(query), "self-managed", today);

describe("/admin/audit_logs q", () => {
  it("parses q into the filters, next to the older ones", () => {
    const r = parse("q=status:%3E%3D400%20-actor:bot&action=user:login&actor_email=Ann@Acme.test");
    if (!r.ok) throw new Error(r.error);
    expect(r.query.filters.actions).toEqual(["user:login"]);
    expect(r.query.filters.actorEmail).toBe("ann@acme.test");
    expect(r.query.filters.query?.groups).toEqual([[{ kind: "status", none: false, min: 400, max: 999 }]]);
    expect(r.query.filters.query?.excluded).toEqual([{ kind: "actor", value: "bot" }]);
  });

  it("a blank q is no q", () => {
    const r = parse("q=%20%20");
    if (!r.ok) throw new Error(r.error);
    expect(r.query.filters.query).toBeUndefined();
  });

  it("a malformed q is refused with the term and its position", () => {
    const r = parse("q=action:user:login%20colour:red");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^invalid q: unknown qualifier "colour"/);
    expect(r.error).toContain('term "colour:red" at position 19');
  });

  it("binds cursors to q, and leaves the digest of requests without q as it was", () => {
    const plain = parse("action=user:login");
    const withQ = parse("action=user:login&q=robotics");
    const otherQ = parse("action=user:login&q=vision");
    if (!plain.ok || !withQ.ok || !otherQ.ok) throw new Error("parse");
    const before = createHash("sha256")
      .update(JSON.stringify([["user:login"], null, null]), "utf8")
      .digest("base64url")
      .slice(0, 16);
    expect(filtersDigest(plain.query.filters)).toBe(before);
    expect(filtersDigest(withQ.query.filters)).not.toBe(before);
    expect(filtersDigest(withQ.query.filters)).not.toBe(filtersDigest(otherQ.query.filters));
  });
});
