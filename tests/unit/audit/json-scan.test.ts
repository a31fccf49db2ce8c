// The raw-text scans that guard ingest before JSON.parse: never recursing, brackets inside
// strings never counted, and the elements of an API page taken exactly as written.
import { describe, expect, it } from "vitest";
import { MAX_EVENT_DEPTH, nestsDeeperThan, topLevelArrayElements } from "@/lib/audit/json-scan";

const nested = (depth: number, open = "[", close = "]") => `{"a":${open.repeat(depth - 1)}${close.repeat(depth - 1)}}`;

describe("nestsDeeperThan", () => {
  it("counts objects and arrays together, up to the limit inclusive", () => {
    expect(MAX_EVENT_DEPTH).toBe(64);
    expect(nestsDeeperThan(nested(64), 64)).toBe(false);
    expect(nestsDeeperThan(nested(65), 64)).toBe(true);
    expect(nestsDeeperThan(`{"a":${'{"b":'.repeat(63)}1${"}".repeat(63)}}`, 64)).toBe(false);
    expect(nestsDeeperThan(`{"a":${'{"b":'.repeat(64)}1${"}".repeat(64)}}`, 64)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    const s = `{"a":"${"[".repeat(500)}","b":"x\\"${"{".repeat(500)}\\\\","c":[1]}`;
    expect(nestsDeeperThan(s, 2)).toBe(false);
    expect(JSON.parse(s)).toBeTruthy();
    // An escaped backslash before a quote ends the string: the brackets after it count.
    expect(nestsDeeperThan(`{"a":"x\\\\",${'"b":['.repeat(1)}${"[".repeat(70)}${"]".repeat(71)}}`, 64)).toBe(true);
  });

  it("scans a million levels without recursing, and malformed text without throwing", () => {
    expect(nestsDeeperThan("[".repeat(1_000_000) + "]".repeat(1_000_000), 64)).toBe(true);
    expect(nestsDeeperThan('{"a":"never closed [[[[', 2)).toBe(false);
    expect(nestsDeeperThan("]]]]}}}", 2)).toBe(false);
  });
});

describe("topLevelArrayElements", () => {
  it("takes each element of the named array as written, one line each", () => {
    const page = `{
  "next_cursor": "c2",
  "other": [{"x": 1}],
  "audit_logs": [
    {"action": "user:login",
     "timestamp": "2026-01-01T00:00:00Z", "n": 9007199254740993},
    {"action": "a", "s": "],[\\"}{"},
    ${"[".repeat(100)}${"]".repeat(100)},
    "a string", 12, null
  ]
}`;
    const elements = topLevelArrayElements(page, "audit_logs");
    expect(elements).toEqual([
      // The line break between tokens became a space; the integer is as written, not rounded.
      '{"action": "user:login",      "timestamp": "2026-01-01T00:00:00Z", "n": 9007199254740993}',
      '{"action": "a", "s": "],[\\"}{"}',
      `${"[".repeat(100)}${"]".repeat(100)}`,
      '"a string"',
      "12",
      "null",
    ]);
    expect(elements!.map((e) => JSON.parse(e) as unknown)).toHaveLength(6);
  });

  it("finds the key at the top level only, and answers null for anything else", () => {
    expect(topLevelArrayElements('{"x":{"audit_logs":[1]},"audit_logs":[]}', "audit_logs")).toEqual([]);
    expect(topLevelArrayElements('{"x":{"audit_logs":[1]}}', "audit_logs")).toBeNull();
    expect(topLevelArrayElements('[{"audit_logs":[1]}]', "audit_logs")).toBeNull();
    expect(topLevelArrayElements('{"audit_logs":{"a":1}}', "audit_logs")).toBeNull();
    expect(topLevelArrayElements('{"audit\\u005flogs":[1, 2]}', "audit_logs")).toEqual(["1", "2"]);
  });
});
