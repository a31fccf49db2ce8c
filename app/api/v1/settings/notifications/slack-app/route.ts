// PUT /api/v1/settings/notifications/slack-app {clientId, clientSecret?}: the custom Slack app (secret sealed, never echoed).
import { saveSlackApp } from "@/lib/alerts/settings";
import { slackAppInputSchema } from "@/lib/alerts/settings-view";
import { badRequest } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = orgRoute({ role: "admin", body: { kind: "json", schema: slackAppInputSchema } }, async (ctx) => {
  const input = ctx.body;
  const secret = input.clientSecret ? input.clientSecret : undefined;
  const current = await ctx.store.db.selectFrom("alert_settings").select("slack_client_secret_enc").where("org_id", "=", ctx.orgId).executeTakeFirst();
  if (!secret && !current?.slack_client_secret_enc) throw badRequest("clientSecret: the Slack app's client secret is required");
  await saveSlackApp(ctx.store.db, ctx.orgId, input.clientId, secret);
  return Response.json({ ok: true, clientId: input.clientId, clientSecretSet: true }, { headers: { "cache-control": "no-store" } });
});
