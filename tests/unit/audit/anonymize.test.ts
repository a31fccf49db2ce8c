import { createHash, createHmac, hkdfSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetSecretKeyCache } from "@/lib/alerts/secret-box";
import { anonymizeLine, hashPiiValue, lineAnonymizer, piiHashKey, removePii, StoredLineError } from "@/lib/audit/anonymize";
import { normalizeEvent } from "@/lib/audit/event";
import { PII_KEYS } from "@/lib/audit/schema";
import { resetEnvCache } from "@/lib/env";

const saved = { ...process.env };
const SECRET = Buffer.alloc(32, 9);

function useSecret(secret: Buffer) {
  process.env = { ...saved, ORGTRAIL_SECRET_KEY: secret.toString("base64") };
  resetEnvCache();
  resetSecretKeyCache();
}

beforeEach(() => useSecret(SECRET));
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  resetSecretKeyCache();
});

function stored(event: Record<string, unknown>): string {
  const r = normalizeEvent(event);
  if (!r.ok) throw new Error(r.error);
  return r.event.body;
}

const event = {
  action: "user:login",
  actor_email: "Alice@Example.com",
  actor_ip: "203.0.113.9",
  actor_user_id: "u-1",
  entity_name: "team <x>",
  project_name: "p\u2028q",
  report_name: "r\u001b[31m",
  artifact_qualified_name: "a/b:v1",
  user_email: "BOB@example.com",
  response_code: 200,
  timestamp: "2026-03-01T10:00:00.000Z",
};

// A stored line with an integer past 2^53 in a non-PII field (written by another tool or an
// older version): anonymizing must not round it.
const BIG =
  '{"action":"run:update","actor_email":"a@x","actor_user_id":12345678901234567890123,"cli_version":1.50,"entity_name":"e","timestamp":"2026-03-01T10:00:00.000Z","user_asset":-0.0000000000000000000001e-999}';

describe("anonymize=true (removal)", () => {
  it("removes every PII key and keeps the rest", () => {
    const out = JSON.parse(removePii(stored(event))) as Record<string, unknown>;
    for (const k of PII_KEYS) expect(out).not.toHaveProperty(k);
    expect(out).toEqual({ action: "user:login", actor_user_id: "u-1", response_code: 200, timestamp: "2026-03-01T10:00:00.000Z" });
  });

  it("is lossless for every byte outside the PII members (integers past 2^53, number spellings)", () => {
    expect(removePii(BIG)).toBe(
      '{"action":"run:update","actor_user_id":12345678901234567890123,"cli_version":1.50,"timestamp":"2026-03-01T10:00:00.000Z","user_asset":-0.0000000000000000000001e-999}',
    );
  });

  it("keeps escapes as stored: U+2028 and control characters stay escaped, one line", () => {
    const line = stored({ action: "x", timestamp: "2026-03-01T10:00:00Z", actor_user_id: "a\u2028b\u001b[31m\n", entity_name: "\u2029" });
    const out = removePii(line);
    expect(out).toBe('{"action":"x","actor_user_id":"a\\u2028b\\u001b[31m\\n","timestamp":"2026-03-01T10:00:00.000Z"}');
    expect(out).not.toMatch(/[\n\r\u2028\u2029\u001b]/);
  });

  it("refuses a line that is not one JSON object", () => {
    for (const bad of ["[1]", '{"a":1', '{"a":1} x', '{"a" 1}', '{"a":"x}']) expect(() => removePii(bad)).toThrow(StoredLineError);
  });

  it("handles nested values and whitespace without losing members", () => {
    expect(removePii('{ "a" : {"actor_email":"x","b":[1,"]}"]} , "actor_email" : "q" , "z":true }')).toBe('{"a" : {"actor_email":"x","b":[1,"]}"]},"z":true}');
  });
});

describe("anonymize=hash (per-organization HMAC-SHA-256)", () => {
  it("replaces each PII value with hmac-sha256:<64 hex> and keeps the other bytes", () => {
    const out = anonymizeLine(BIG, piiHashKey(1));
    expect(out).toMatch(
      /^\{"action":"run:update","actor_email":"hmac-sha256:[0-9a-f]{64}","actor_user_id":12345678901234567890123,"cli_version":1.50,"entity_name":"hmac-sha256:[0-9a-f]{64}","timestamp":"2026-03-01T10:00:00.000Z","user_asset":-0.0000000000000000000001e-999\}$/,
    );
  });

  it("is the documented HMAC: HKDF-SHA-256 of the secret key, info orgtrail:pii-hash:v1:org:<id>", () => {
    const key = Buffer.from(hkdfSync("sha256", SECRET, Buffer.alloc(0), "orgtrail:pii-hash:v1:org:7", 32));
    expect(piiHashKey(7).equals(key)).toBe(true);
    const expected = "hmac-sha256:" + createHmac("sha256", key).update("203.0.113.9").digest("hex");
    expect(hashPiiValue(piiHashKey(7), "actor_ip", "203.0.113.9")).toBe(expected);
  });

  it("never a plain hash of the value", () => {
    const out = anonymizeLine(stored(event), piiHashKey(1));
    for (const v of ["203.0.113.9", "alice@example.com", "Alice@Example.com"]) {
      expect(out).not.toContain(v);
      expect(out).not.toContain(createHash("sha256").update(v).digest("hex"));
    }
  });

  it("same value and organization: same hash (e-mails case-insensitively, actor and user alike); other organization or key: different", () => {
    const a = JSON.parse(anonymizeLine(stored({ ...event, user_email: "alice@example.COM" }), piiHashKey(1))) as Record<string, string>;
    const again = JSON.parse(anonymizeLine(stored(event), piiHashKey(1))) as Record<string, string>;
    const other = JSON.parse(anonymizeLine(stored(event), piiHashKey(2))) as Record<string, string>;
    expect(a.actor_email).toBe(a.user_email);
    expect(a.actor_ip).toBe(again.actor_ip);
    expect(a.entity_name).toBe(again.entity_name);
    for (const k of PII_KEYS) expect(other[k]).not.toBe(again[k]);
    useSecret(Buffer.alloc(32, 10));
    const rotated = JSON.parse(anonymizeLine(stored(event), piiHashKey(1))) as Record<string, string>;
    expect(rotated.actor_ip).not.toBe(again.actor_ip);
  });

  it('a number is hashed as its literal, so 7 and "7" join', () => {
    const key = piiHashKey(1);
    const n = JSON.parse(anonymizeLine('{"action":"x","entity_name":7}', key)) as Record<string, string>;
    const s = JSON.parse(anonymizeLine('{"action":"x","entity_name":"7"}', key)) as Record<string, string>;
    expect(n.entity_name).toBe(s.entity_name);
  });

  it("lineAnonymizer: false returns lines untouched, true removes, hash hashes", () => {
    expect(lineAnonymizer(false, 1)).toBeNull();
    expect(lineAnonymizer(true, 1)!(BIG)).toBe(removePii(BIG));
    expect(lineAnonymizer("hash", 1)!(BIG)).toBe(anonymizeLine(BIG, piiHashKey(1)));
  });
});
