// A parse worker's unit (lib/ingest/parse-worker.ts) in one pass over its decoded text gives
// exactly what the line-by-line path through ndjsonLines gives: the same events, rejections,
// line numbers and byte counts, for every edge of the NDJSON reader, and a unit the one-pass
// path cannot take (invalid UTF-8, a line past the limit) still answers the same.
import { describe, expect, it } from "vitest";
import type { ParsedUnit, ParseUnit } from "@/lib/ingest/parallel-parse";
import { parseUnit, parseUnitLines } from "@/lib/ingest/parse-unit";

const WINDOW = { notBeforeMs: Date.parse("2015-01-01T00:00:00Z"), notAfterMs: Date.parse("2027-01-01T00:00:00Z") };
const enc = new TextEncoder();
const ev = (n: number, extra = "") =>
  `{"action":"run:update","timestamp":"2026-03-10T00:00:${String(n % 60).padStart(2, "0")}Z","actor_email":"u${n}@x.test"${extra}}`;

function unitOf(bytes: Uint8Array, first: boolean, maxLineBytes = 1000): ParseUnit {
  return { id: 7, bytes, first, deployment: "self-managed", maxLineBytes, window: WINDOW };
}

async function both(bytes: Uint8Array, first: boolean, maxLineBytes?: number): Promise<[ParsedUnit, ParsedUnit]> {
  const unit = unitOf(bytes, first, maxLineBytes);
  const lines = (() => {
    let n = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
    return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
  })();
  const slow = await parseUnitLines(unitOf(bytes.slice(), first, maxLineBytes), { id: 7, lines, lastLine: 0, bytes: 0, skipped: 0, rejects: [], events: [] });
  return [await parseUnit(unit), slow];
}

describe("parseUnit: one pass over the text, the same answer as line by line", () => {
  const cases: [string, string][] = [
    ["plain lines", [ev(1), ev(2), ev(3)].join("\n") + "\n"],
    ["no final newline", [ev(1), ev(2)].join("\n")],
    ["CRLF endings and blank lines", `${ev(1)}\r\n\r\n   \nnot json\r\n${ev(2)}\r\n\n`],
    ["a BOM on the first line", `\ufeff${ev(1)}\n${ev(2)}\n`],
    ["a BOM on a later line is the line's own (invalid JSON)", `${ev(1)}\n\ufeff${ev(2)}\n`],
    ["non-ASCII text, byte counts in UTF-8", `${ev(1, ',"entity_name":"équipe-été-数据"')}\n${ev(2, ',"entity_name":"😀"')}\n`],
    ["whitespace JavaScript trims is a blank line", `${ev(1)}\n\u00a0\u2028\n${ev(2)}\n`],
    ["bad lines among good ones", `${ev(1)}\nnot json\n{"action":"x"}\n[1,2]\n${ev(2, `,"x":${"[".repeat(70)}${"]".repeat(70)}`)}\n${ev(3)}\n`],
    ["only blank lines", "\n\n  \r\n"],
    ["empty", ""],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      for (const first of [true, false]) {
        const [fast, slow] = await both(enc.encode(text), first);
        expect(fast).toEqual(slow);
      }
    });
  }

  it("falls back for invalid UTF-8 and for a line past the limit, naming the line", async () => {
    const bad = new Uint8Array([...enc.encode(`${ev(1)}\n`), 0xff, 0xfe, 0x0a, ...enc.encode(`${ev(2)}\n`)]);
    const [fast, slow] = await both(bad, false);
    expect(fast).toEqual(slow);
    expect(fast.rejects.slice(0, 2)).toEqual([2, "invalid UTF-8"]);
    expect(fast.events.length / 11).toBe(2);
    const long = enc.encode(`${ev(1)}\n{"action":"${"y".repeat(2000)}"}\n${ev(2)}\n`);
    const [fastLong, slowLong] = await both(long, true, 1000);
    expect(fastLong).toEqual(slowLong);
    expect(fastLong.rejects.slice(0, 2)).toEqual([2, "line is longer than 1000 bytes"]);
  });

  it("counts a line of exactly the limit plus a CR as a line", async () => {
    const line = `{"action":"run:update","timestamp":"2026-03-10T00:00:00Z","pad":"${"p".repeat(40)}"}`;
    const [fast, slow] = await both(enc.encode(`${line}\r\n${ev(2)}\n`), true, line.length);
    expect(fast).toEqual(slow);
    expect(fast.rejects).toEqual([]);
    expect(fast.events.length / 11).toBe(2);
  });
});
