// PUT /api/v1/settings/notifications/slack-app {clientId, clientSecret?}: the custom Slack app (secret sealed, never echoed).
import { saveSlackApp } from "@/lib/alerts/settings";
import { readJsonBody } from "@/lib/alerts/read-json";
import { slackAppInputSchema } from "@/lib/alerts/settings-view";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { badRequest, handle } from "@/lib/http/errors";
import { requireSameOrigin } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = handle(async (request: Request) => {
  requireSameOrigin(request);
  const ctx = await requireOrgAdmin(request);
  const input = await readJsonBody(request, slackAppInputSchema);
  const secret = input.clientSecret ? input.clientSecret : undefined;
  const current = await ctx.store.db.selectFrom("alert_settings").select("slack_client_secret_enc").where("org_id", "=", ctx.orgId).executeTakeFirst();
  if (!secret && !current?.slack_client_secret_enc) throw badRequest("clientSecret: the Slack app's client secret is required");
  await saveSlackApp(ctx.store.db, ctx.orgId, input.clientId, secret);
  return Response.json({ ok: true, clientId: input.clientId, clientSecretSet: true }, { headers: { "cache-control": "no-store" } });
});
