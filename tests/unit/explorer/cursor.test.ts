import { describe, expect, it } from "vitest";
import { encodeCursor } from "@/lib/audit/audit-log-cursor";
import { decodeExplorerCursor, encodeExplorerCursor, queryDigest } from "@/lib/explorer/cursor";

const key = Buffer.alloc(32, 3);
const other = Buffer.alloc(32, 4);
const q = queryDigest('action:"user:login"');

describe("explorer cursors", () => {
  it("round-trips the snapshot and the position", () => {
    const token = encodeExplorerCursor(key, 7, q, { snapshotSeq: 5000, ts: 1_764_000_000_123, seq: 4321 });
    expect(decodeExplorerCursor(key, token, 7, q)).toEqual({ ok: true, cursor: { snapshotSeq: 5000, ts: 1_764_000_000_123, seq: 4321 } });
  });

  it("refuses another organization, another query, another key, an altered payload", () => {
    const token = encodeExplorerCursor(key, 7, q, { snapshotSeq: 5000, ts: 1, seq: 2 });
    expect(decodeExplorerCursor(key, token, 8, q)).toMatchObject({ ok: false, error: expect.stringContaining("another organization") });
    expect(decodeExplorerCursor(key, token, 7, queryDigest('action:"user:logout"'))).toMatchObject({
      ok: false,
      error: expect.stringContaining("another query"),
    });
    expect(decodeExplorerCursor(other, token, 7, q)).toMatchObject({ ok: false, error: expect.stringContaining("altered") });
    const [body, mac] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...payload, n: 999_999 })).toString("base64url")}.${mac}`;
    expect(decodeExplorerCursor(key, forged, 7, q)).toMatchObject({ ok: false, error: expect.stringContaining("altered") });
    expect(decodeExplorerCursor(key, "garbage", 7, q)).toMatchObject({ ok: false });
  });

  it("does not accept an /admin/audit_logs cursor signed with the same key", () => {
    const audit = encodeCursor(key, { orgId: 7, fromMs: 0, toMs: 10, anonymize: false, filters: q }, { ts: 1, seq: 2 });
    expect(decodeExplorerCursor(key, audit, 7, q)).toMatchObject({ ok: false, error: expect.stringContaining("not an events cursor") });
  });
});
