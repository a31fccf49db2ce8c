import { brotliCompressSync, gzipSync } from "node:zlib";
import { negotiateEncoding, type Encoding } from "./precompressed";

/** A Buffer as a fetch body (Node's Buffer is a Uint8Array over an ArrayBuffer). */
const asBody = (bytes: Buffer) => new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);

/** Marks a response whose body is already in the negotiated encoding. */
const ENCODED = new WeakSet<Response>();

/** A response with bytes already in `encoding` (null: identity), for `encodedRoute`. */
export function encodedResponse(body: Buffer | null, init: ResponseInit): Response {
  const response = new Response(body === null ? null : asBody(body), init);
  ENCODED.add(response);
  return response;
}

/**
 * Wraps a route of PRECOMPRESSED_PATHS (lib/http/precompressed.ts): next.config.ts announces
 * the encoding Accept-Encoding asks for (`negotiateEncoding`), so every answer of the route
 * must come in it. The handler may answer with `encodedResponse` (bytes already encoded);
 * any other answer (an error) is encoded here.
 */
export function encodedRoute(fn: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const encoding = negotiateEncoding(request.headers.get("accept-encoding"));
    const response = await fn(request);
    const headers = new Headers(response.headers);
    headers.append("Vary", "Accept-Encoding");
    if (encoding === null || ENCODED.has(response) || response.body === null) {
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    const plain = Buffer.from(await response.arrayBuffer());
    const bytes = encoding === "br" ? brotliCompressSync(plain) : gzipSync(plain);
    return new Response(asBody(bytes), { status: response.status, statusText: response.statusText, headers });
  };
}

/** An answer serialized once with its compressed forms (lib/queries/users-answer.ts). */
export interface CachedAnswer {
  etag: string;
  body: Buffer;
  encoded(encoding: Encoding): Promise<Buffer>;
}

/**
 * A cached answer for a route wrapped in `encodedRoute`: 304 when the client already holds it
 * (If-None-Match), else its bytes in the encoding Accept-Encoding asks for.
 */
export async function cachedAnswerResponse(request: Request, answer: CachedAnswer, headers: Record<string, string>): Promise<Response> {
  const all = { ...headers, ETag: answer.etag };
  if (request.headers.get("if-none-match") === answer.etag) return new Response(null, { status: 304, headers: all });
  const encoding = negotiateEncoding(request.headers.get("accept-encoding"));
  return encodedResponse(encoding === null ? answer.body : await answer.encoded(encoding), { headers: all });
}
