// GET /api/v1/settings/notifications: Slack connection (never its secrets), alert rules, outbox and job health.
import { getNotificationSettings } from "@/lib/alerts/get-notification-settings";
import { redirectUri } from "@/lib/alerts/slack-oauth";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (request: Request) => {
  const ctx = await requireOrgAdmin(request);
  const view = await getNotificationSettings(ctx.store, ctx.orgId, redirectUri(request));
  return Response.json(view, { headers: { "cache-control": "no-store" } });
});
