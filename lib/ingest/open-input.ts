import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";

/** A file (`.gz` decompressed) or `-` for standard input, as a byte stream. */
export function openInput(path: string, stdin: Readable = process.stdin): AsyncIterable<Uint8Array> {
  const source: Readable = path === "-" ? stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  if (path.endsWith(".gz")) return source.pipe(createGunzip());
  return source;
}
