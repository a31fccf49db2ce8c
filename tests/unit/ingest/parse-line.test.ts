// The lines that cannot be stored (docs/INGEST.md): each is a rejection with its reason,
// never an exception, whatever the input.
import { describe, expect, it } from "vitest";
import { hasUnsafeInteger } from "@/lib/audit/event";
import { outsideWindow, type PlausibleWindow } from "@/lib/audit/plausible";
import { parseEventLine } from "@/lib/ingest/parse-line";

const NOW = Date.parse("2026-12-04T12:00:00Z");
const WINDOW: PlausibleWindow = { notBeforeMs: Date.parse("2015-01-01T00:00:00Z"), notAfterMs: NOW + 86_400_000 };
const line = (extra: string, ts = "2026-03-10T00:00:00Z") => `{"action":"run:update","timestamp":"${ts}"${extra}}`;
const parse = (text: string) => parseEventLine(text, "self-managed", WINDOW);
const error = (text: string) => {
  const r = parse(text);
  if (!("error" in r)) throw new Error(`accepted: ${text.slice(0, 80)}`);
  return r.error;
};
const accepted = (text: string) => "event" in parse(text);

describe("parseEventLine refuses what cannot be stored, alone and with its reason", () => {
  it("nesting deeper than 64 (20,000 arrays deep does not throw)", () => {
    expect(error(line(`,"x":${"[".repeat(20_000)}${"]".repeat(20_000)}`))).toBe("nesting deeper than 64 levels");
    // The event object is level 1: 63 more levels are kept, 64 more are not.
    expect(accepted(line(`,"x":${"[".repeat(63)}${"]".repeat(63)}`))).toBe(true);
    expect(error(line(`,"x":${"[".repeat(64)}${"]".repeat(64)}`))).toBe("nesting deeper than 64 levels");
    expect(error(line(`,"x":${'{"y":'.repeat(64)}1${"}".repeat(64)}`))).toBe("nesting deeper than 64 levels");
  });

  it("integers past 2^53, exactly at the boundary, as written in the line", () => {
    expect(accepted(line(',"n":9007199254740991'))).toBe(true);
    expect(accepted(line(',"n":-9007199254740991'))).toBe(true);
    for (const n of ["9007199254740992", "9007199254740993", "-9007199254740992", "123456789012345678901234567890", "1e20", "9007199254740992.0"]) {
      expect(error(line(`,"n":${n}`))).toBe('field "n": integer beyond 2^53 cannot be kept exactly');
    }
    expect(error(line(`,"deep":[[[{"a":[1,2,9007199254740992]}]]]`))).toBe('field "deep": integer beyond 2^53 cannot be kept exactly');
    // Fractions and large floats written as such are numbers JSON keeps as written.
    expect(accepted(line(',"f":1.5,"g":2.5e-10,"h":-0.000001,"i":4.5e15'))).toBe(true);
  });

  it("the integer check walks any nesting without recursing", () => {
    let v: unknown = 9007199254740992;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(hasUnsafeInteger(v)).toBe(true);
    expect(hasUnsafeInteger({ a: [1, { b: 2 ** 53 - 1 }] })).toBe(false);
  });

  it("times outside the plausible window, both bounds inclusive", () => {
    expect(accepted(line("", "2015-01-01T00:00:00Z"))).toBe(true);
    expect(error(line("", "2014-12-31T23:59:59.999Z"))).toMatch(
      /^field "timestamp": 2014-12-31T23:59:59\.999Z is before the plausible window, which starts at 2015-01-01T00:00:00\.000Z/,
    );
    expect(error(line("", "0001-01-01T00:00:00Z"))).toMatch(/is before the plausible window/);
    expect(accepted(line("", new Date(NOW + 86_400_000).toISOString()))).toBe(true);
    expect(error(line("", new Date(NOW + 86_400_001).toISOString()))).toMatch(/is after the plausible window, which ends at 2026-12-05T12:00:00\.000Z/);
    expect(error(line("", "9999-12-31T23:59:59Z"))).toMatch(/is after the plausible window/);
    // An offset counts: 2015-01-01T00:30+01:00 is 2014-12-31T23:30Z.
    expect(error(line("", "2015-01-01T00:30:00+01:00"))).toMatch(/^field "timestamp": 2014-12-31T23:30:00\.000Z is before/);
    expect(outsideWindow(WINDOW.notBeforeMs, WINDOW)).toBeNull();
  });

  it("never throws on any other bad line", () => {
    for (const bad of ["", "{", "[1]", "null", '{"action":"a"}', '"\\ud800"', `{"a":"${"\\".repeat(3)}"}`]) {
      expect(() => parse(bad)).not.toThrow();
      expect("error" in parse(bad)).toBe(true);
    }
  });
});
