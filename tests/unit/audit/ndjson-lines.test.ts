import { describe, expect, it } from "vitest";
import { ndjsonLines, type NdjsonLine } from "@/lib/audit/ndjson-lines";

async function lines(chunks: (string | Uint8Array)[], max?: number): Promise<NdjsonLine[]> {
  const enc = new TextEncoder();
  async function* gen() {
    for (const c of chunks) yield typeof c === "string" ? enc.encode(c) : c;
  }
  const out: NdjsonLine[] = [];
  for await (const l of ndjsonLines(gen(), max)) out.push(l);
  return out;
}

const texts = (ls: NdjsonLine[]) => ls.map((l) => ("text" in l ? [l.lineNo, l.text] : [l.lineNo, `!${l.error}`]));

describe("ndjsonLines", () => {
  it("handles BOM, CRLF, blank lines and a missing final newline", async () => {
    expect(texts(await lines(['\ufeff{"a":1}\r\n\r\n  \n{"b"', ":2}"]))).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":2}'],
    ]);
  });

  it("joins lines split across chunks, including inside a multi-byte character", async () => {
    const bytes = new TextEncoder().encode('{"n":"é"}\n');
    const split = bytes.indexOf(0xc3) + 1;
    expect(texts(await lines([bytes.subarray(0, split), bytes.subarray(split)]))).toEqual([[1, '{"n":"é"}']]);
  });

  it("rejects invalid UTF-8 by line number without touching its neighbours", async () => {
    const bad = new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]);
    expect(texts(await lines(["{}\n", bad, "{}\n"]))).toEqual([
      [1, "{}"],
      [2, "!invalid UTF-8"],
      [3, "{}"],
    ]);
  });

  it("rejects lines past the limit and goes on", async () => {
    const result = texts(await lines(["x".repeat(20) + "\n", "ok\n", "y".repeat(10) + "\r\n"], 10));
    expect(result).toEqual([
      [1, "!line is longer than 10 bytes"],
      [2, "ok"],
      [3, "y".repeat(10)],
    ]);
  });
});
