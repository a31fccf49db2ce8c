// GET /api/v1/settings/notifications: Slack connection (never its secrets), alert rules, outbox and job health.
import { getNotificationSettings } from "@/lib/alerts/get-notification-settings";
import { redirectUri } from "@/lib/alerts/slack-oauth";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "admin" }, async (ctx) => {
  const view = await getNotificationSettings(ctx.store, ctx.orgId, redirectUri(ctx.request));
  return Response.json(view, { headers: { "cache-control": "no-store" } });
});
