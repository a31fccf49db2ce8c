// POST /api/v1/settings/notifications/test: queues a test message to the connected Slack channel.
import { randomBytes } from "node:crypto";
import { enqueueAlerts } from "@/lib/alerts/outbox";
import { getAlertSettings } from "@/lib/alerts/settings";
import { testMessage } from "@/lib/alerts/slack-message";
import { apiError } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = orgRoute({ role: "admin" }, async (ctx) => {
  const settings = await getAlertSettings(ctx.store.db, ctx.orgId);
  if (!settings.webhookSealed) throw apiError("not_connected", "connect Slack first (Add to Slack)");
  const now = Date.now();
  await enqueueAlerts(
    ctx.store.db,
    ctx.orgId,
    [{ rule: "test", dedupeKey: `test:${now}:${randomBytes(4).toString("hex")}`, subjectAt: now, message: testMessage(ctx.orgSlug, ctx.account.username) }],
    now,
  );
  return Response.json({ ok: true, queued: 1 }, { status: 202 });
});
