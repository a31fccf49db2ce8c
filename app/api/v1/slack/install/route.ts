// GET /api/v1/slack/install: "Add to Slack": redirects the admin to Slack's OAuth v2 authorize page.
import { getAlertSettings } from "@/lib/alerts/settings";
import { authorizeUrl, createOAuthState, redirectUri } from "@/lib/alerts/slack-oauth";
import { requestSessionToken } from "@/lib/auth/sign-in";
import { badRequest } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// A browser flow: an expired session goes to the sign-in page, not to a Basic auth prompt.
export const GET = orgRoute({ role: "admin", signInNext: "/org/settings" }, async (ctx) => {
  // The state is bound to the browser session that comes back to the callback.
  const token = requestSessionToken(ctx.request);
  if (!token || ctx.request.headers.get("authorization")) throw badRequest("sign in with the browser to add orgtrail to Slack");
  const settings = await getAlertSettings(ctx.store.db, ctx.orgId);
  if (!settings.clientId || !settings.clientSecretSealed) throw badRequest("save the Slack app's client ID and secret first");
  const location = authorizeUrl(settings.clientId, redirectUri(ctx.request), createOAuthState(token, ctx.orgId));
  return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
});
