// cutUnits (the parallel ingest's reader): units of whole lines, in order, nothing lost or
// duplicated whatever the chunking; a too-long line is never buffered but reported with its
// exact length in its place.
import { describe, expect, it } from "vitest";
import { cutUnits } from "@/lib/ingest/parallel-parse";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** The kept first bytes of each too-long line of the last `cuts` call (for the quarantine). */
let lastPrefixes: string[] = [];

async function cuts(text: string, chunk: number, max: number, unit: number) {
  const out: ({ text: string; first: boolean } | { longLine: number })[] = [];
  const prefixes: string[] = [];
  for await (const c of cutUnits(inChunks(enc.encode(text), chunk), max, unit)) {
    if ("longLine" in c) prefixes.push(dec.decode(c.prefix));
    out.push("longLine" in c ? { longLine: c.longLine } : { text: dec.decode(c.bytes), first: c.first });
  }
  lastPrefixes = prefixes;
  return out;
}

describe("cutUnits", () => {
  const lines = Array.from({ length: 200 }, (_, i) => `{"n":${i},"pad":"${"x".repeat(i % 37)}"}`);
  const text = lines.join("\n") + "\n" + "last-without-newline";

  it("cuts at line ends only and loses nothing, for any chunk size", async () => {
    for (const chunk of [1, 2, 7, 64, 333, 4096, 1 << 20]) {
      const got = await cuts(text, chunk, 1000, 500);
      expect(got.every((c) => "text" in c)).toBe(true);
      const texts = got.map((c) => ("text" in c ? c.text : ""));
      expect(texts.join("")).toBe(text);
      for (const t of texts.slice(0, -1)) expect(t.endsWith("\n")).toBe(true);
      expect(got.map((c) => "first" in c && c.first)).toEqual(got.map((_, i) => i === 0));
      if (chunk < 500) expect(got.length).toBeGreaterThan(5);
    }
  });

  it("replaces a too-long line split across chunks by its length, in place, without buffering it", async () => {
    const long = "y".repeat(5000);
    const input = `a\nb\n${long}\r\nc\n${long}`;
    // Long lines as <length> (CR included, as ndjsonLines counts it), wherever they end up.
    const norm = (t: string) => t.replace(/y{1001,}\r?/g, (m) => `<${m.length}>`);
    for (const chunk of [3, 100, 1024, 99_999]) {
      const got = await cuts(input, chunk, 1000, 1 << 20);
      const joined = got.map((c, i) => ("longLine" in c ? `<${c.longLine}>${i < got.length - 1 ? "\n" : ""}` : norm(c.text))).join("");
      expect(joined).toBe(norm(input));
      // Split across chunks, a long line is never held: only its length is.
      if (chunk <= 1024) {
        expect(got.filter((c) => "longLine" in c)).toEqual([{ longLine: 5001 }, { longLine: 5000 }]);
        // ... and at most its first `max` bytes, for the quarantine.
        expect(lastPrefixes).toEqual(["y".repeat(1000), "y".repeat(1000)]);
        expect(got.every((c) => !("text" in c) || c.text.length < 1000 + chunk)).toBe(true);
      }
    }
  });

  it("uses the parser's limit: max + 1 bytes is a line (room for a CR), max + 2 is too long", async () => {
    const got = await cuts(`${"z".repeat(1001)}\n${"z".repeat(1002)}\n`, 1, 1000, 1 << 20);
    expect(got).toEqual([{ text: `${"z".repeat(1001)}\n`, first: true }, { longLine: 1002 }]);
    expect(lastPrefixes).toEqual(["z".repeat(1000)]);
  });
});
