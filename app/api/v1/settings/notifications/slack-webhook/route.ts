// DELETE /api/v1/settings/notifications/slack-webhook: disconnects Slack (forgets the incoming webhook).
import { clearSlackWebhook } from "@/lib/alerts/settings";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = orgRoute({ role: "admin" }, async (ctx) => {
  await clearSlackWebhook(ctx.store.db, ctx.orgId);
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
});
