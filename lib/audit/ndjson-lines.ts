/**
 * Splits a byte stream into NDJSON lines without holding more than one line in memory.
 * Handles a UTF-8 BOM, CRLF, blank lines and a missing final newline; refuses invalid
 * UTF-8 (never replaced) and lines past the length limit, naming the line. A refused line
 * carries its bytes as received (`raw`, for the quarantine): a line past the limit only its
 * first `maxLineBytes`, and `bytes` says how long it was.
 */
export const MAX_LINE_BYTES = 64 * 1024;

export type NdjsonLine = { lineNo: number; text: string; bytes: number } | { lineNo: number; error: string; bytes: number; raw: Uint8Array };

const NEWLINE = 0x0a;

export async function* ndjsonLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number = MAX_LINE_BYTES): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let tooLong = false;
  let lineNo = 0;

  const finish = (): NdjsonLine | null => {
    lineNo++;
    const bytes = partBytes;
    if (tooLong) {
      const raw = concat(parts, maxLineBytes);
      parts = [];
      partBytes = 0;
      tooLong = false;
      return { lineNo, error: `line is longer than ${maxLineBytes} bytes`, bytes, raw };
    }
    let buf = parts.length === 1 ? parts[0]! : concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    if (lineNo === 1 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    let text: string;
    try {
      text = decoder.decode(buf);
    } catch {
      return { lineNo, error: "invalid UTF-8", bytes, raw: buf.slice() };
    }
    if (text.trim() === "") return null;
    return { lineNo, text, bytes };
  };

  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!tooLong) {
        if (partBytes + piece.length > maxLineBytes + 1) {
          // +1 leaves room for a CR that belongs to a CRLF ending. The line's first
          // maxLineBytes are kept (for the quarantine), never more.
          tooLong = true;
          if (partBytes < maxLineBytes) parts.push(piece.subarray(0, maxLineBytes - partBytes));
        } else if (piece.length > 0) {
          parts.push(piece);
        }
      }
      partBytes += piece.length;
      if (nl === -1) break;
      const line = finish();
      if (line) yield line;
      start = nl + 1;
    }
    // Pieces may be views into the caller's buffer: copy what stays across chunks.
    for (let i = parts.length - 1; i >= 0 && parts[i]!.buffer === chunk.buffer; i--) parts[i] = parts[i]!.slice();
  }
  if (partBytes > 0 || tooLong) {
    const line = finish();
    if (line) yield line;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(
    Math.min(
      total,
      parts.reduce((n, p) => n + p.length, 0),
    ),
  );
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
