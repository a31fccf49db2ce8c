/**
 * Where to go after sign-in (`?next=`), made safe: only a path on this origin, judged the way
 * a browser will read it. Browsers strip tabs and newlines from URLs and read `\` as `/`, so
 * `/\t/evil.example` passes a naive "starts with / but not //" check and lands on
 * `//evil.example`. Here the value is parsed with the WHATWG URL parser against the origin and
 * kept only when the origin is unchanged and the resulting path cannot be read as
 * protocol-relative. Pure (no server import): the sign-in form uses it in the browser too.
 *
 * Every redirect after sign-in goes through this function (the sign-in page and form, the
 * session route's form post, single sign-on's callback).
 */
export const DEFAULT_NEXT = "/org/dashboard";

/** Stands for this origin when the caller does not pass it; only paths starting with `/` are accepted, so any origin gives the same verdict. */
const PLACEHOLDER_ORIGIN = "http://orgtrail.invalid";

export function safeNextPath(next: string | null | undefined, origin: string = PLACEHOLDER_ORIGIN, fallback: string = DEFAULT_NEXT): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  // Tabs and newlines are dropped by the URL parser (so by the browser); any other control
  // character is refused, and so is a backslash (a slash to a browser).
  const stripped = next.replace(/[\t\n\r]/g, "");
  if (/[\\\u0000-\u001f\u007f]/.test(stripped)) return fallback;
  if (!stripped.startsWith("/") || stripped.startsWith("//")) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(stripped, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` normalizes to `//evil.example`: as a Location it would leave the origin.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
