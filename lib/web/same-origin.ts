import "server-only";
import { forbidden } from "../http/errors";

/**
 * CSRF guard for cookie-changing routes: a browser always sends `Origin` on cross-site POST and
 * DELETE, so when it is present it must name this host. `Sec-Fetch-Site: cross-site` is refused too.
 */
export function requireSameOrigin(request: Request): void {
  if (request.headers.get("sec-fetch-site") === "cross-site") throw forbidden("cross-site request refused");
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (!host || originHost !== host) throw forbidden("cross-origin request refused");
}

/** True when the client reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto");
  if (forwarded) return forwarded.split(",")[0]!.trim() === "https";
  return new URL(request.url).protocol === "https:";
}
