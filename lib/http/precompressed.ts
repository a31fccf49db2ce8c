/**
 * Routes that send their own compressed bytes (the users list and CSV: 2.8 MB of JSON at
 * 10,000 users, compressed once per data version instead of on every request).
 *
 * Next 16 drops a route handler's own `Content-Encoding` (send-response.ts FORBIDDEN_HEADERS)
 * and otherwise gzips the body itself at level 6 on every request. So the header comes from
 * next.config.ts `headers()` (set on the response before the route runs, which also makes
 * Next's compression step aside: "already encoded"), on the same Accept-Encoding patterns
 * the route uses to pick the bytes: both read them from here. Every answer of these paths,
 * errors included, must then be encoded (see `encodeFor`).
 *
 * Quality values are not interpreted: a client that lists an encoding gets it (br before
 * gzip). No dependency on server-only modules: next.config.ts imports this file.
 */

export type Encoding = "br" | "gzip";

export const PRECOMPRESSED_PATHS = ["/api/v1/users", "/api/v1/users/export.csv"] as const;

/** Header value patterns, matched whole (`^…$`, as Next matches `has` values). */
const TOKEN = (name: string) => `(?:.*[\\s,])?${name}(?:[\\s,;].*)?`;
export const ACCEPTS_BR = TOKEN("br");
export const ACCEPTS_GZIP = TOKEN("gzip");
const acceptsBr = new RegExp(`^${ACCEPTS_BR}$`);
const acceptsGzip = new RegExp(`^${ACCEPTS_GZIP}$`);

/** The encoding the headers of next.config.ts announce for this Accept-Encoding. */
export function negotiateEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  if (acceptsBr.test(acceptEncoding)) return "br";
  if (acceptsGzip.test(acceptEncoding)) return "gzip";
  return null;
}

interface HeaderRule {
  source: string;
  has?: { type: "header"; key: string; value: string }[];
  missing?: { type: "header"; key: string; value: string }[];
  headers: { key: string; value: string }[];
}

/** The next.config.ts `headers()` entries announcing the route's encoding. */
export function precompressedHeaderRules(): HeaderRule[] {
  return PRECOMPRESSED_PATHS.flatMap((source): HeaderRule[] => [
    {
      source,
      has: [{ type: "header", key: "accept-encoding", value: ACCEPTS_BR }],
      headers: [{ key: "Content-Encoding", value: "br" }],
    },
    {
      source,
      has: [{ type: "header", key: "accept-encoding", value: ACCEPTS_GZIP }],
      missing: [{ type: "header", key: "accept-encoding", value: ACCEPTS_BR }],
      headers: [{ key: "Content-Encoding", value: "gzip" }],
    },
  ]);
}
