// GET /api/v1/slack/oauth/callback?code=&state=: Slack's redirect; exchanges the code and keeps the webhook (sealed).
import { z } from "zod";
import { getAlertSettings, openClientSecret, saveSlackWebhook } from "@/lib/alerts/settings";
import { exchangeCode, redirectUri, SlackOAuthError, verifyOAuthState } from "@/lib/alerts/slack-oauth";
import { requestSessionToken } from "@/lib/auth/sign-in";
import { forbidden } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const back = (outcome: string) =>
  new Response(null, { status: 303, headers: { location: `/org/settings?slack=${encodeURIComponent(outcome)}`, "cache-control": "no-store" } });

// Slack may add parameters of its own: only these are read.
const callbackQuery = z.looseObject({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() });

// A browser flow: an expired session goes to the sign-in page, not to a Basic auth prompt.
export const GET = orgRoute({ role: "admin", signInNext: "/org/settings", query: callbackQuery }, async (ctx) => {
  const token = requestSessionToken(ctx.request);
  if (!token || !verifyOAuthState(ctx.query.state ?? "", token, ctx.orgId)) throw forbidden("invalid or expired OAuth state: start again from Add to Slack");
  if (ctx.query.error) return back("denied");
  const code = ctx.query.code;
  if (!code) return back("error");
  const settings = await getAlertSettings(ctx.store.db, ctx.orgId);
  const clientSecret = openClientSecret(settings);
  if (!settings.clientId || !clientSecret) return back("error:missing_client_secret");
  try {
    const hook = await exchangeCode({ clientId: settings.clientId, clientSecret, code, redirectUri: redirectUri(ctx.request) });
    await saveSlackWebhook(ctx.store.db, ctx.orgId, hook);
  } catch (error) {
    if (error instanceof SlackOAuthError) return back(`error:${error.code}`);
    throw error;
  }
  return back("connected");
});
