import { readCookie } from "../sessions";
import { FLOW_TTL_MS } from "./flows";

/**
 * The flow cookie binds an SSO sign-in to the browser that started it (lib/auth/sso/flows.ts).
 * HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which Lax lets
 * through), Path=/; on https `Secure` and the `__Host-` prefix (no Domain, so no sibling
 * host can set or shadow it).
 */
const NAME = "orgtrail_sso";

function cookieName(secure: boolean): string {
  return secure ? `__Host-${NAME}` : NAME;
}

export function readFlowCookie(request: Request, secure: boolean): string | null {
  return readCookie(request.headers.get("cookie"), cookieName(secure));
}

export function flowCookie(secret: string, secure: boolean): string {
  return `${cookieName(secure)}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${FLOW_TTL_MS / 1000}${secure ? "; Secure" : ""}`;
}
