import { HttpError, payloadTooLarge } from "./errors";

/** The request body as a byte stream, gunzipped when sent with `Content-Encoding: gzip`. */
export function requestChunks(request: Request, limit: number): AsyncIterable<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(`request body is larger than ${limit} bytes`);
  if (!request.body) return (async function* () {})();
  let stream: ReadableStream<Uint8Array> = request.body;
  const encoding = (request.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding === "gzip") stream = stream.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>);
  else if (encoding !== "identity") throw new HttpError(415, "unsupported_encoding", `unsupported Content-Encoding ${encoding}: send identity or gzip`);
  return stream as unknown as AsyncIterable<Uint8Array>;
}
