/** URL rules of single sign-on. Pure (lib/env.ts uses them to validate settings). */

export const DEFAULT_NEXT = "/org/dashboard";

/** True for an http(s) URL whose host is 127.0.0.1 (127/8), ::1 or localhost: the only place plain http is allowed. */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const host = url.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Where to land after sign-in: `next` when it is a path of this site, read the way a browser
 * reads a Location header (WHATWG URL parsing drops tabs and new lines and turns `\` into `/`,
 * so `/\t/evil.example` is `//evil.example`, another site); else the dashboard. The answer is
 * the normalized path, so the browser cannot read it differently.
 */
export function safeNextPath(next: string | undefined | null): string {
  if (!next) return DEFAULT_NEXT;
  const base = new URL("http://orgtrail.invalid/");
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return DEFAULT_NEXT;
  }
  // `/.//evil.example` normalizes to the path `//evil.example`, which a browser would take as a host.
  if (url.origin !== base.origin || url.pathname.startsWith("//") || url.username || url.password) return DEFAULT_NEXT;
  return `${url.pathname}${url.search}${url.hash}`;
}
