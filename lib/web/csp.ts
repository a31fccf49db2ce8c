/**
 * Content-Security-Policy. Pages get a fresh nonce per request (proxy.ts): Next.js puts it on
 * every script it renders (its runtime, page chunks, inline hydration data), and
 * 'strict-dynamic' lets those load the rest, so no 'unsafe-inline' script is allowed.
 * Styles keep 'unsafe-inline' (React's style attributes, chart libraries): a style cannot run
 * code. Everything that is not a page (API answers, NDJSON, metrics) gets a policy that
 * allows nothing at all. Pure: no Next.js import, used by proxy.ts and next.config.ts.
 */
export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // React needs eval for its development error overlay only.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Answers that are not pages never need a script, a style or a frame. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** 16 random bytes, base64: unguessable, new for each page. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
