import { canonicalJson, escapeSeparators, sha256Hex } from "./canonical";
import { SCHEMA_KEYS, isSchemaKey } from "./schema";
import { parseRfc3339 } from "./timestamp";

/** An accepted event, normalized: what the store keeps and everything derived from it. */
export interface NormalizedEvent {
  action: string;
  tsMs: number;
  /** Schema keys only, in schema order, null keys left out, timestamp normalized: the exported line. */
  body: string;
  /** Unknown keys, canonical JSON, or null when there are none. Kept, never exported as schema keys. */
  extra: string | null;
  /** SHA-256 (hex) of the canonical JSON of the whole event: the dedupe key. */
  dedupeKey: string;
  responseCode: number | null;
  actorId: string | null;
  actorEmail: string | null;
  targetId: string | null;
  targetEmail: string | null;
  entityName: string | null;
}

export type NormalizeResult = { ok: true; event: NormalizedEvent } | { ok: false; error: string };

function fail(error: string): NormalizeResult {
  return { ok: false, error };
}

/**
 * True when a number in the value is a whole number JSON cannot keep exactly, i.e. of
 * magnitude 2^53 or more. Exact for integers as written: up to 2^53 - 1 every integer is a
 * double of its own, and every one past it parses to a double of at least 2^53, so
 * 9007199254740991 is kept and 9007199254740992 refused. A number written with a fraction or
 * exponent whose value is such a whole number (1e20) is refused too: it would be exported
 * as that integer. Iterative (an explicit stack), whatever the nesting.
 */
export function hasUnsafeInteger(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number") {
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === "object") {
      for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function asIdentity(value: unknown): string | null {
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number") return String(value);
  return null;
}

/** Validates one parsed JSON value as an audit event (SPEC §3). */
export function normalizeEvent(value: unknown): NormalizeResult {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return fail(`expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  const input = value as Record<string, unknown>;

  const action = input.action;
  if (action === undefined || action === null) return fail('missing required field "action"');
  if (typeof action !== "string" || action.trim() === "") return fail('field "action" must be a non-empty string');
  const rawTs = input.timestamp;
  if (rawTs === undefined || rawTs === null) return fail('missing required field "timestamp"');
  if (typeof rawTs !== "string") return fail('field "timestamp" must be an RFC3339 string');
  const parsed = parseRfc3339(rawTs);
  if (!parsed.ok) return fail(`field "timestamp": ${parsed.error}`);

  // One pass over the input for unknown keys and integers JSON cannot keep exactly, then the
  // exported line is built in schema order directly (no intermediate object).
  let extra: Record<string, unknown> | null = null;
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
    const v = input[key];
    if (typeof v === "object" || typeof v === "number" ? hasUnsafeInteger(v) : false)
      return fail(`field ${JSON.stringify(key)}: integer beyond 2^53 cannot be kept exactly`);
    if (!isSchemaKey(key)) {
      extra ??= {};
      Object.defineProperty(extra, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }

  let responseCode: number | null = null;
  let body = '{"action":' + JSON.stringify(action);
  for (let i = 1; i < SCHEMA_KEYS.length; i++) {
    const key = SCHEMA_KEYS[i]!;
    if (key === "timestamp") {
      body += ',"timestamp":"' + parsed.iso + '"';
      continue;
    }
    const v = input[key];
    if (v === undefined || v === null) continue;
    if (key === "response_code") {
      if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 999) responseCode = v;
      else if (typeof v === "string" && /^\d{1,3}$/.test(v)) responseCode = Number(v);
      else return fail('field "response_code" must be an HTTP status code (integer)');
    } else if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) {
      return fail(`field ${JSON.stringify(key)} must be a string`);
    }
    body += ',"' + key + '":' + JSON.stringify(v);
  }
  body = escapeSeparators(body + "}");
  const extraJson = extra ? canonicalJson(extra) : null;
  // The schema part is already canonical (keys in sorted order, no whitespace).
  const full = extra ? mergeCanonical(JSON.parse(body) as Record<string, unknown>, extra) : body;
  const schema = input;

  return {
    ok: true,
    event: {
      action,
      tsMs: parsed.ms,
      body,
      extra: extraJson,
      dedupeKey: sha256Hex(full),
      responseCode,
      actorId: asIdentity(schema.actor_user_id),
      actorEmail: asIdentity(schema.actor_email),
      targetId: asIdentity(schema.user_asset),
      targetEmail: asIdentity(schema.user_email),
      entityName: asIdentity(schema.entity_name),
    },
  };
}

function mergeCanonical(schema: Record<string, unknown>, extra: Record<string, unknown>): string {
  const merged: Record<string, unknown> = {};
  for (const source of [schema, extra])
    for (const key of Object.keys(source)) Object.defineProperty(merged, key, { value: source[key], enumerable: true, writable: true, configurable: true });
  return canonicalJson(merged);
}

/** An event is active (SPEC §4) when its response code is absent or below 400. */
export function isActiveResponse(responseCode: number | null): boolean {
  return responseCode === null || responseCode < 400;
}
