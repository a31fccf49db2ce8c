// GET /api/v1/auth/oidc/callback?code=&state=: the identity provider's redirect back. Uses the
// flow once, checks the ID token, finds or creates the account, opens a session (docs/SSO.md).
import { z } from "zod";
import { noteAccount } from "@/lib/auth/access-log";
import { startSession } from "@/lib/auth/sign-in";
import { getStore } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/route";
import { accountForSso, identityFromClaims } from "@/lib/auth/sso/accounts";
import { readFlowCookie } from "@/lib/auth/sso/cookie";
import { takeFlow } from "@/lib/auth/sso/flows";
import { verifiedClaims } from "@/lib/auth/sso/provider";
import { ssoRefusal } from "@/lib/auth/sso/refusal";
import { ssoSettings } from "@/lib/auth/sso/settings";
import { isHttps } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Providers add parameters of their own (iss, session_state...): openid-client reads them all from the URL.
const callbackQuery = z.looseObject({ state: z.string().max(1024).optional() });

export const GET = publicRoute({ query: callbackQuery }, async ({ request, query }) => {
  const settings = ssoSettings();
  if (!settings) throw notFound("single sign-on is not configured (docs/SSO.md)");
  const secure = isHttps(request);
  const { db } = await getStore();
  let next: string | undefined;
  try {
    const flow = await takeFlow(db, query.state, readFlowCookie(request, secure));
    next = flow.next;
    const claims = await verifiedClaims(settings, new URL(request.url).search, flow);
    const account = await accountForSso(db, identityFromClaims(claims, settings.roleClaim), settings.roleMap);
    // The session (address, browser, method "sso") and the sign-in in the access log (lib/auth/sign-in.ts).
    const cookie = await startSession(request, db, account, "sso");
    noteAccount(request, account.id, account.username);
    return new Response(null, { status: 303, headers: { location: flow.next, "set-cookie": cookie, "cache-control": "no-store" } });
  } catch (error) {
    return ssoRefusal(request, error, next);
  }
});
