import { apiError, badRequest, HttpError, payloadTooLarge } from "./errors";

/** A body past its route's limit, found while reading it (never after reading it whole). */
export class BodyTooLargeError extends HttpError {
  constructor(readonly limit: number) {
    super(413, "payload_too_large", `request body is larger than ${limit} bytes`);
  }
}

/** Wraps a byte stream so it throws BodyTooLargeError past `limit` bytes. */
export async function* limitBytes(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw new BodyTooLargeError(limit);
    yield chunk;
  }
}

/**
 * The request body as a byte stream, gunzipped when sent with `Content-Encoding: gzip`, and
 * cut off with 413 as soon as more than `limit` bytes (after gunzip) have arrived. A declared
 * Content-Length over the limit is refused before anything is read.
 */
export function requestChunks(request: Request, limit: number): AsyncIterable<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(`request body is larger than ${limit} bytes`);
  if (!request.body) return (async function* () {})();
  let stream: ReadableStream<Uint8Array> = request.body;
  const encoding = (request.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding === "gzip") stream = stream.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>);
  else if (encoding !== "identity") throw apiError("unsupported_encoding", `unsupported Content-Encoding ${encoding}: send identity or gzip`);
  return limitBytes(stream as unknown as AsyncIterable<Uint8Array>, limit);
}

/** The whole body as bytes, read at most `limit` bytes far. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of requestChunks(request, limit)) {
    parts.push(chunk);
    size += chunk.length;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** The whole body as UTF-8 text (invalid UTF-8 is a 400, never silently replaced), read at most `limit` bytes far. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const bytes = await readBodyBytes(request, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("the body is not valid UTF-8");
  }
}
