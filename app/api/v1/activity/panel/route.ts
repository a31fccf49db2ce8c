// GET /api/v1/activity/panel?range=7|30|90&asOf= → the Activity Panel (SPEC §6); range defaults to 30.
import { panelQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { orgRoute } from "@/lib/http/route";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: panelQuerySchema }, async (ctx) => {
  const asOf = ctx.query.asOf ?? formatDate(today());
  const body = await getActivityPanel(ctx.store, ctx.orgId, { range: ctx.query.range, asOf, deployment: ctx.deployment });
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
