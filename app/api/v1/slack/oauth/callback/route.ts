// GET /api/v1/slack/oauth/callback?code=&state=: Slack's redirect; exchanges the code and keeps the webhook (sealed).
import { getAlertSettings, openClientSecret, saveSlackWebhook } from "@/lib/alerts/settings";
import { exchangeCode, redirectUri, SlackOAuthError, verifyOAuthState } from "@/lib/alerts/slack-oauth";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { readCookie, SESSION_COOKIE } from "@/lib/auth/sessions";
import { forbidden, handle, HttpError } from "@/lib/http/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A browser flow: an expired session goes to the sign-in page, not to a Basic auth prompt. */
const signedOut = (error: unknown) => {
  if (error instanceof HttpError && error.status === 401) return null;
  throw error;
};

const back = (outcome: string) =>
  new Response(null, { status: 303, headers: { location: `/org/settings?slack=${encodeURIComponent(outcome)}`, "cache-control": "no-store" } });

export const GET = handle(async (request: Request) => {
  const ctx = await requireOrgAdmin(request).catch(signedOut);
  if (!ctx) return new Response(null, { status: 303, headers: { location: `/signin?next=${encodeURIComponent("/org/settings")}` } });
  const params = new URL(request.url).searchParams;
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  const state = params.get("state") ?? "";
  if (!token || !verifyOAuthState(state, token, ctx.orgId)) throw forbidden("invalid or expired OAuth state: start again from Add to Slack");
  if (params.get("error")) return back("denied");
  const code = params.get("code");
  if (!code) return back("error");
  const settings = await getAlertSettings(ctx.store.db, ctx.orgId);
  const clientSecret = openClientSecret(settings);
  if (!settings.clientId || !clientSecret) return back("error:missing_client_secret");
  try {
    const hook = await exchangeCode({ clientId: settings.clientId, clientSecret, code, redirectUri: redirectUri(request) });
    await saveSlackWebhook(ctx.store.db, ctx.orgId, hook);
  } catch (error) {
    if (error instanceof SlackOAuthError) return back(`error:${error.code}`);
    throw error;
  }
  return back("connected");
});
