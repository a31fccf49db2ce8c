// GET /api/v1/auth/oidc/start?next=PATH: "Sign in with SSO": sends the browser to the identity
// provider (code flow, PKCE, state, nonce), back to the callback below (docs/SSO.md).
import { z } from "zod";
import { getStore } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/route";
import { flowCookie, readFlowCookie } from "@/lib/auth/sso/cookie";
import { ssoRefusal } from "@/lib/auth/sso/refusal";
import { isBrowserSecret, newBrowserSecret, saveFlow } from "@/lib/auth/sso/flows";
import { authorizationUrl, newFlow } from "@/lib/auth/sso/provider";
import { ssoSettings } from "@/lib/auth/sso/settings";
import { safeNextPath } from "@/lib/auth/sso/urls";
import { isHttps } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const startQuery = z.object({ next: z.string().max(2048).optional() });

export const GET = publicRoute({ query: startQuery }, async ({ request, query }) => {
  const settings = ssoSettings();
  if (!settings) throw notFound("single sign-on is not configured (docs/SSO.md)");
  const next = safeNextPath(query.next);
  const secure = isHttps(request);
  // One secret per browser: two tabs signing in at once both come back to a known flow.
  const existing = readFlowCookie(request, secure);
  const browserSecret = isBrowserSecret(existing) ? existing : newBrowserSecret();
  const flow = newFlow(next);
  try {
    const location = await authorizationUrl(settings, flow);
    await saveFlow((await getStore()).db, browserSecret, flow);
    return new Response(null, {
      status: 302,
      headers: { location: location.toString(), "set-cookie": flowCookie(browserSecret, secure), "cache-control": "no-store" },
    });
  } catch (error) {
    return ssoRefusal(request, error, next);
  }
});
