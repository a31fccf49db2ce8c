// DELETE /api/v1/settings/notifications/slack-webhook: disconnects Slack (forgets the incoming webhook).
import { clearSlackWebhook } from "@/lib/alerts/settings";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";
import { requireSameOrigin } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const DELETE = handle(async (request: Request) => {
  requireSameOrigin(request);
  const ctx = await requireOrgAdmin(request);
  await clearSlackWebhook(ctx.store.db, ctx.orgId);
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
});
