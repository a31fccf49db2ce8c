// GET /api/v1/activity/panel?range=7|30|90&asOf= → the Activity Panel (SPEC §6); range defaults to 30.
import { panelQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { orgRoute } from "@/lib/http/route";
import { answerDuringBulk } from "@/lib/queries/bulk-lag";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: panelQuerySchema }, async (ctx) => {
  const asOf = ctx.query.asOf ?? formatDate(today());
  const q = { range: ctx.query.range, asOf, deployment: ctx.deployment };
  const body = await answerDuringBulk(`panel|${q.range}|${q.asOf}|${q.deployment}`, ctx.store, ctx.orgId, () => getActivityPanel(ctx.store, ctx.orgId, q));
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
