// GET /api/v1/settings/notifications: Slack connection (never its secrets), alert rules, outbox and job health.
import { getNotificationSettings } from "@/lib/alerts/get-notification-settings";
import { isInstanceAdmin } from "@/lib/auth/accounts";
import { redirectUri } from "@/lib/alerts/slack-oauth";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "admin" }, async (ctx) => {
  // Instance-wide jobs (their errors name buckets, upstreams, other organizations) only for instance admins.
  const instanceAdmin = await isInstanceAdmin(ctx.store.db, ctx.account.id, ctx.deployment);
  const view = await getNotificationSettings(ctx.store, ctx.orgId, redirectUri(ctx.request), { orgSlug: ctx.orgSlug, instanceAdmin });
  return Response.json(view, { headers: { "cache-control": "no-store" } });
});
