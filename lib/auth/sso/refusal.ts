import { SsoError } from "./errors";
import { recordRefusal } from "../access-log";
import { DEFAULT_NEXT } from "./urls";

/**
 * A refused SSO sign-in: logged with its detail (control characters escaped), and the browser
 * sent to the sign-in page, which shows the code's fixed message. No session cookie is set.
 * Anything but an SsoError is rethrown (a 500 through the error table).
 */
export function ssoRefusal(request: Request, error: unknown, next?: string): Response {
  if (!(error instanceof SsoError)) throw error;
  console.warn(`orgtrail: SSO sign-in refused (${error.code}) on ${new URL(request.url).pathname}: ${JSON.stringify(error.detail)}`);
  // orgtrail's access log: a refused access, aggregated per client and minute (lib/auth/access-log.ts).
  recordRefusal({ request, detail: `sso: ${error.code}` });
  const params = new URLSearchParams({ sso: error.code });
  if (next && next !== DEFAULT_NEXT) params.set("next", next);
  return new Response(null, { status: 303, headers: { location: `/signin?${params}`, "cache-control": "no-store" } });
}
