/**
 * The explorer's page cursor: opaque, signed (HMAC-SHA256 with the instance's cursor key,
 * lib/audit/cursor-key.ts) and bound to the organization and the query. It carries the
 * snapshot (the log's last sequence number when the first page was read), so a walk of pages
 * sees the matches of that snapshot only, each once, however many events arrive meanwhile;
 * and the position (ts, seq) of the last event returned.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface ExplorerCursor {
  snapshotSeq: number;
  ts: number;
  seq: number;
}

interface Payload {
  /** Kind and version: an audit-log cursor (lib/audit/audit-log-cursor.ts) is not one of these. */
  k: "events1";
  o: number;
  q: string;
  n: number;
  ts: number;
  s: number;
}

const MAC_BYTES = 16;
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

/** A short digest of the query's canonical text (lib/filter/parse-filter.ts canonicalQuery). */
export function queryDigest(canonical: string): string {
  return createHash("sha256").update(canonical, "utf8").digest("base64url").slice(0, 16);
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac("sha256", key).update(body, "utf8").digest().subarray(0, MAC_BYTES);
}

export function encodeExplorerCursor(key: Buffer, orgId: number, queryDigestText: string, c: ExplorerCursor): string {
  const payload: Payload = { k: "events1", o: orgId, q: queryDigestText, n: c.snapshotSeq, ts: c.ts, s: c.seq };
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

/** Checks the signature, then the organization and the query; the error says what to fix. */
export function decodeExplorerCursor(
  key: Buffer,
  token: string,
  orgId: number,
  queryDigestText: string,
): { ok: true; cursor: ExplorerCursor } | { ok: false; error: string } {
  const dot = token.indexOf(".");
  const body = dot > 0 ? token.slice(0, dot) : "";
  const presented = Buffer.from(token.slice(dot + 1), "base64url");
  const actual = mac(key, body);
  if (dot <= 0 || presented.length !== actual.length || !timingSafeEqual(presented, actual)) {
    return { ok: false, error: "invalid cursor: it was altered, or was not issued by this orgtrail instance" };
  }
  let p: Partial<Payload> | null = null;
  try {
    p = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<Payload>;
  } catch {
    p = null;
  }
  if (!p || p.k !== "events1" || !isInt(p.o) || typeof p.q !== "string" || !isInt(p.n) || !isInt(p.ts) || !isInt(p.s)) {
    return { ok: false, error: "invalid cursor: it is not an events cursor" };
  }
  if (p.o !== orgId) return { ok: false, error: "invalid cursor: it was issued for another organization" };
  if (p.q !== queryDigestText) return { ok: false, error: "invalid cursor: it was issued for another query; repeat the first request's q" };
  return { ok: true, cursor: { snapshotSeq: p.n, ts: p.ts, seq: p.s } };
}
