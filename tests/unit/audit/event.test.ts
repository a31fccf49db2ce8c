import { describe, expect, it } from "vitest";
import { normalizeEvent } from "@/lib/audit/event";

function ok(value: unknown) {
  const r = normalizeEvent(value);
  if (!r.ok) throw new Error(r.error);
  return r.event;
}
function err(value: unknown) {
  const r = normalizeEvent(value);
  if (r.ok) throw new Error("expected a rejection");
  return r.error;
}

describe("normalizeEvent", () => {
  it("keeps schema keys in schema order, drops nulls, normalizes the timestamp", () => {
    const e = ok({ user_email: "b@x", timestamp: "2026-01-01T01:00:00+01:00", action: "user:login", actor_ip: null, response_code: 200 });
    expect(e.body).toBe('{"action":"user:login","response_code":200,"timestamp":"2026-01-01T00:00:00.000Z","user_email":"b@x"}');
    expect(e.extra).toBeNull();
    expect(e.tsMs).toBe(Date.UTC(2026, 0, 1));
  });

  it("keeps unknown keys apart from the exported body", () => {
    const e = ok({ action: "x:y", timestamp: "2026-01-01T00:00:00Z", zeta: { b: 1, a: [2] }, alpha: "v" });
    expect(e.body).toBe('{"action":"x:y","timestamp":"2026-01-01T00:00:00.000Z"}');
    expect(e.extra).toBe('{"alpha":"v","zeta":{"a":[2],"b":1}}');
  });

  it("dedupes on canonical JSON: key order and timestamp spelling do not matter", () => {
    const a = ok({ action: "user:login", timestamp: "2026-01-01T02:00:00+02:00", actor_email: "a@x", extra: 1 });
    const b = ok({ extra: 1, actor_email: "a@x", timestamp: "2026-01-01T00:00:00.000Z", action: "user:login" });
    const c = ok({ action: "user:login", timestamp: "2026-01-01T00:00:00Z", actor_email: "a@x", extra: 2 });
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(a.dedupeKey).not.toBe(c.dedupeKey);
    expect(a.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps a __proto__ key as data", () => {
    const e = ok(JSON.parse('{"action":"a","timestamp":"2026-01-01T00:00:00Z","__proto__":{"polluted":1}}'));
    expect(e.extra).toBe('{"__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("escapes U+2028 so a stored line stays one line", () => {
    const e = ok({ action: "a", timestamp: "2026-01-01T00:00:00Z", project_name: "p\u2028q\nr" });
    expect(e.body).toContain("p\\u2028q\\nr");
    expect(e.body).not.toMatch(/[\n\u2028]/);
  });

  it("extracts identities and response codes", () => {
    const e = ok({
      action: "user:login",
      timestamp: "2026-01-01T00:00:00Z",
      actor_user_id: "U1",
      actor_email: "A@X",
      user_asset: "U2",
      user_email: "b@x",
      response_code: "401",
      entity_name: "t",
    });
    expect([e.actorId, e.actorEmail, e.targetId, e.targetEmail, e.responseCode, e.entityName]).toEqual(["U1", "A@X", "U2", "b@x", 401, "t"]);
  });

  it.each([
    [[1], "expected a JSON object, got an array"],
    [null, "expected a JSON object, got null"],
    ["s", "expected a JSON object, got string"],
    [{ timestamp: "2026-01-01T00:00:00Z" }, 'missing required field "action"'],
    [{ action: "a" }, 'missing required field "timestamp"'],
    [{ action: "", timestamp: "2026-01-01T00:00:00Z" }, 'field "action" must be a non-empty string'],
    [{ action: "a", timestamp: 5 }, 'field "timestamp" must be an RFC3339 string'],
    [{ action: "a", timestamp: "2026-02-30T00:00:00Z" }, "day out of range"],
    [{ action: "a", timestamp: "2026-01-01T00:00:00Z", response_code: "OK" }, 'field "response_code"'],
    [{ action: "a", timestamp: "2026-01-01T00:00:00Z", actor_email: { a: 1 } }, 'field "actor_email" must be a string'],
    [{ action: "a", timestamp: "2026-01-01T00:00:00Z", big: 2 ** 60 }, "beyond 2^53"],
  ])("rejects %j", (value, message) => {
    expect(err(value)).toContain(message);
  });
});
