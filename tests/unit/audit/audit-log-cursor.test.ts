import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type CursorBinding } from "@/lib/audit/audit-log-cursor";

const key = Buffer.alloc(32, 7);
const binding: CursorBinding = { orgId: 1, fromMs: Date.UTC(2026, 1, 1), toMs: Date.UTC(2026, 1, 8), anonymize: false, filters: "abc" };
const position = { ts: Date.UTC(2026, 1, 3, 12), seq: 42 };

describe("audit-log cursor", () => {
  it("round-trips its position", () => {
    const token = encodeCursor(key, binding, position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(key, token, binding)).toEqual({ ok: true, position });
  });
  it("refuses an altered cursor, or one signed with another key", () => {
    const token = encodeCursor(key, binding, position);
    const [body, mac] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), s: 1 })).toString("base64url");
    for (const bad of [`${forged}.${mac}`, `${body}.${mac.slice(1)}A`, `${body}.`, encodeCursor(Buffer.alloc(32, 8), binding, position)]) {
      const r = decodeCursor(key, bad, binding);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/altered|not issued/);
    }
  });
  it("binds anonymize=hash apart from true and false", () => {
    const hashed = { ...binding, anonymize: "hash" as const };
    const token = encodeCursor(key, hashed, position);
    expect(decodeCursor(key, token, hashed)).toEqual({ ok: true, position });
    for (const other of [true, false]) {
      const r = decodeCursor(key, token, { ...binding, anonymize: other });
      expect(r).toEqual({ ok: false, error: "invalid cursor: it was issued with anonymize=hash; repeat the first request's anonymize value" });
    }
  });
  it.each([
    [{ ...binding, fromMs: binding.fromMs - 86_400_000 }, /range 2026-02-01T00:00:00.000Z to 2026-02-08T00:00:00.000Z/],
    [{ ...binding, toMs: binding.toMs + 1 }, /range/],
    [{ ...binding, anonymize: true }, /anonymize=false/],
    [{ ...binding, anonymize: "hash" as const }, /anonymize=false/],
    [{ ...binding, filters: "other" }, /filters/],
    [{ ...binding, orgId: 2 }, /organization/],
  ])("refuses a cursor used with another range, anonymize, filters or organization", (other, message) => {
    const r = decodeCursor(key, encodeCursor(key, binding, position), other);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});
