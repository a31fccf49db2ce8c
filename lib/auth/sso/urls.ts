/** URL rules of single sign-on. Pure (lib/env.ts uses them to validate settings). */

// Where to land after sign-in: the one function every sign-in flow uses (lib/web/safe-next.ts).
export { DEFAULT_NEXT, safeNextPath } from "../../web/safe-next";

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
