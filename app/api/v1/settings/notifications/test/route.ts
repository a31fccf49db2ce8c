// POST /api/v1/settings/notifications/test: queues a test message to the connected Slack channel.
import { randomBytes } from "node:crypto";
import { enqueueAlerts } from "@/lib/alerts/outbox";
import { getAlertSettings } from "@/lib/alerts/settings";
import { testMessage } from "@/lib/alerts/slack-message";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle, HttpError } from "@/lib/http/errors";
import { requireSameOrigin } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = handle(async (request: Request) => {
  requireSameOrigin(request);
  const ctx = await requireOrgAdmin(request);
  const settings = await getAlertSettings(ctx.store.db, ctx.orgId);
  if (!settings.webhookSealed) throw new HttpError(409, "not_connected", "connect Slack first (Add to Slack)");
  const now = Date.now();
  await enqueueAlerts(ctx.store.db, ctx.orgId, [{ rule: "test", dedupeKey: `test:${now}:${randomBytes(4).toString("hex")}`, subjectAt: now, message: testMessage(ctx.orgSlug, ctx.account.username) }], now);
  return Response.json({ ok: true, queued: 1 }, { status: 202 });
});
