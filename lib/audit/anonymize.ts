import { createHmac } from "node:crypto";
import { deriveKey } from "../alerts/secret-box";
import { PII_KEYS } from "./schema";

/**
 * `anonymize` of the audit-log API (SPEC §5, docs/AUDIT_LOG_API.md): `false` returns stored
 * lines as they are, `true` removes the PII keys, `"hash"` replaces each PII value with
 * `hmac-sha256:<64 hex>`, an HMAC-SHA-256 under a key of the organization (so anonymized
 * logs can still be joined, within one organization only, and never a plain hash that a
 * dictionary of e-mails or the 2^32 IPv4 addresses would reverse).
 *
 * Both modes work on the stored line's text: every byte outside the PII members is copied
 * as it is (a JSON.parse / JSON.stringify round trip would round integers past 2^53).
 */
export type AnonymizeMode = boolean | "hash";

export const PII_HASH_PREFIX = "hmac-sha256:";

const piiKeys: ReadonlySet<string> = new Set(PII_KEYS);
/** Compared case-insensitively, as SPEC §4 matches users by e-mail: `A@x` and `a@x` join. */
const EMAIL_KEYS: ReadonlySet<string> = new Set(["actor_email", "user_email"]);

export class StoredLineError extends Error {}

/** The organization's pseudonym key: HKDF-SHA-256 of the instance secret key (never in the store). */
export function piiHashKey(orgId: number): Buffer {
  return deriveKey(`pii-hash:v1:org:${orgId}`);
}

/**
 * The pseudonym of one PII value: a string is hashed as its text (e-mails lower-cased), a
 * number as its JSON literal, so `"7"` and `7` join.
 */
export function hashPiiValue(key: Buffer, field: string, value: string): string {
  const text = EMAIL_KEYS.has(field) ? value.toLowerCase() : value;
  return PII_HASH_PREFIX + createHmac("sha256", key).update(text, "utf8").digest("hex");
}

interface Member {
  /** Range of `"key":value` in the line (UTF-16 offsets). */
  start: number;
  end: number;
  key: string;
  valueStart: number;
}

function skipWs(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = s.charCodeAt(++i));
  return i;
}

/** A character of a JSON literal (number, true, false, null). */
function isLiteralChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/** End (exclusive) of the JSON string starting at `i` (a `"`). */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  throw new StoredLineError("unterminated string");
}

/** End (exclusive) of the JSON value starting at `i`: a string, an object or array (brackets matched), or a literal. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') j = stringEnd(s, j) - 1;
      else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") if (--depth === 0) return j + 1;
    }
    throw new StoredLineError("unterminated object or array");
  }
  let j = i;
  while (j < s.length && isLiteralChar(s.charCodeAt(j))) j++;
  if (j === i) throw new StoredLineError(`unexpected ${JSON.stringify(s[i] ?? "end of line")} at ${i}`);
  return j;
}

/** The members of the top-level object of a stored line, as byte ranges. */
function members(line: string): Member[] {
  let i = skipWs(line, 0);
  if (line[i] !== "{") throw new StoredLineError("a stored event line must be a JSON object");
  const out: Member[] = [];
  i = skipWs(line, i + 1);
  if (line[i] === "}") return out;
  // Members are copied as ranges: the separators between them are rewritten as a plain ",".
  for (;;) {
    if (line[i] !== '"') throw new StoredLineError(`expected a key at ${i}`);
    const start = i;
    const keyEnd = stringEnd(line, i);
    const raw = line.slice(i + 1, keyEnd - 1);
    const key = raw.includes("\\") ? (JSON.parse(line.slice(i, keyEnd)) as string) : raw;
    i = skipWs(line, keyEnd);
    if (line[i] !== ":") throw new StoredLineError(`expected ":" at ${i}`);
    const valueStart = skipWs(line, i + 1);
    const end = valueEnd(line, valueStart);
    out.push({ start, end, key, valueStart });
    i = skipWs(line, end);
    if (line[i] === "}") {
      if (skipWs(line, i + 1) !== line.length) throw new StoredLineError(`unexpected text after the object at ${i + 1}`);
      return out;
    }
    if (line[i] !== ",") throw new StoredLineError(`expected "," or "}" at ${i}`);
    i = skipWs(line, i + 1);
  }
}

/** The value to hash: a string's text, else the literal (a number's digits exactly as stored). */
function plainValue(text: string): string {
  return text.startsWith('"') ? (JSON.parse(text) as string) : text;
}

/**
 * Rewrites a stored line's PII members: removed (`hashKey` null) or replaced with their
 * pseudonym. Everything else, including number literals and escapes, is kept byte for byte.
 */
export function anonymizeLine(line: string, hashKey: Buffer | null): string {
  return rewriteLine(line, hashKey ? (field, value) => hashPiiValue(hashKey, field, value) : null);
}

function rewriteLine(line: string, pseudonym: ((field: string, value: string) => string) | null): string {
  let out = "{";
  for (const m of members(line)) {
    if (!piiKeys.has(m.key)) out += (out.length > 1 ? "," : "") + line.slice(m.start, m.end);
    else if (pseudonym)
      out += (out.length > 1 ? "," : "") + line.slice(m.start, m.valueStart) + '"' + pseudonym(m.key, plainValue(line.slice(m.valueStart, m.end))) + '"';
  }
  return out + "}";
}

/** Removes the PII keys of SPEC §5 from a stored (schema-keys-only) event line. */
export function removePii(body: string): string {
  return anonymizeLine(body, null);
}

/** Pseudonyms remembered per request: e-mails and addresses repeat across an audit log. */
const PSEUDONYM_CACHE_MAX = 50_000;

/** The line transform for an anonymize mode and organization (the key is derived once). */
export function lineAnonymizer(mode: AnonymizeMode, orgId: number): ((body: string) => string) | null {
  if (mode === false) return null;
  if (mode === true) return removePii;
  const key = piiHashKey(orgId);
  const cache = new Map<string, string>();
  const pseudonym = (field: string, value: string) => {
    const id = (EMAIL_KEYS.has(field) ? "e" : "v") + value;
    let h = cache.get(id);
    if (h === undefined) {
      if (cache.size >= PSEUDONYM_CACHE_MAX) cache.clear();
      h = hashPiiValue(key, field, value);
      cache.set(id, h);
    }
    return h;
  };
  return (body) => rewriteLine(body, pseudonym);
}
