import { createHmac, timingSafeEqual } from "node:crypto";
import type { AnonymizeMode } from "./anonymize";

/** What a cursor is only valid for: the organization, the range, anonymize and the filters. */
export interface CursorBinding {
  orgId: number;
  fromMs: number;
  toMs: number;
  anonymize: AnonymizeMode;
  filters: string;
}

/** The last event a page returned: paging resumes strictly after (ts, seq). */
export interface CursorPosition {
  ts: number;
  seq: number;
}

interface Payload {
  v: 1;
  o: number;
  f: number;
  t: number;
  /** anonymize: 0 false, 1 true, 2 hash. */
  a: 0 | 1 | 2;
  q: string;
  ts: number;
  s: number;
}

const MAC_BYTES = 16;

function mac(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(payload, "utf8").digest().subarray(0, MAC_BYTES);
}

/** `base64url(JSON).base64url(HMAC-SHA256 truncated to 128 bits)`: opaque to clients, tamper-evident. */
export function encodeCursor(key: Buffer, binding: CursorBinding, position: CursorPosition): string {
  const payload: Payload = {
    v: 1,
    o: binding.orgId,
    f: binding.fromMs,
    t: binding.toMs,
    a: anonymizeCode(binding.anonymize),
    q: binding.filters,
    ts: position.ts,
    s: position.seq,
  };
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

const anonymizeCode = (mode: AnonymizeMode): 0 | 1 | 2 => (mode === "hash" ? 2 : mode ? 1 : 0);
const anonymizeNames = ["false", "true", "hash"] as const;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

function readPayload(value: unknown): Payload | null {
  if (value === null || typeof value !== "object") return null;
  const p = value as Record<string, unknown>;
  if (
    p.v !== 1 ||
    !isInt(p.o) ||
    !isInt(p.f) ||
    !isInt(p.t) ||
    (p.a !== 0 && p.a !== 1 && p.a !== 2) ||
    typeof p.q !== "string" ||
    !isInt(p.ts) ||
    !isInt(p.s)
  ) {
    return null;
  }
  return p as unknown as Payload;
}

const fmt = (ms: number) => new Date(ms).toISOString();

/** Checks the signature, then the binding; the error says what to fix. */
export function decodeCursor(key: Buffer, token: string, expected: CursorBinding): { ok: true; position: CursorPosition } | { ok: false; error: string } {
  const dot = token.indexOf(".");
  const body = token.slice(0, dot);
  const presented = Buffer.from(token.slice(dot + 1), "base64url");
  const actual = mac(key, body);
  if (dot <= 0 || presented.length !== actual.length || !timingSafeEqual(presented, actual)) {
    return { ok: false, error: "invalid cursor: it was altered, or was not issued by this orgtrail instance" };
  }
  let payload: Payload | null = null;
  try {
    payload = readPayload(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    payload = null;
  }
  if (!payload) return { ok: false, error: "invalid cursor: unreadable" };
  if (payload.o !== expected.orgId) return { ok: false, error: "invalid cursor: it was issued for another organization" };
  if (payload.f !== expected.fromMs || payload.t !== expected.toMs) {
    return {
      ok: false,
      error: `invalid cursor: it was issued for the range ${fmt(payload.f)} to ${fmt(payload.t)}, not ${fmt(expected.fromMs)} to ${fmt(expected.toMs)}; repeat the first request's startDate, endDate and numDays`,
    };
  }
  if (payload.a !== anonymizeCode(expected.anonymize)) {
    return { ok: false, error: `invalid cursor: it was issued with anonymize=${anonymizeNames[payload.a]}; repeat the first request's anonymize value` };
  }
  if (payload.q !== expected.filters) {
    return { ok: false, error: "invalid cursor: it was issued for other filters; repeat the first request's action, actor_email and actor_user_id" };
  }
  if (payload.ts < payload.f || payload.ts >= payload.t) return { ok: false, error: "invalid cursor: position outside its range" };
  return { ok: true, position: { ts: payload.ts, seq: payload.s } };
}
