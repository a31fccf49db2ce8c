// GET /api/v1/activity/panel?range=7|30|90&asOf= → the Activity Panel (SPEC §6); range defaults to 30.
import { panelQuerySchema, queryParams } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (request: Request) => {
  const q = queryParams(request, panelQuerySchema);
  const ctx = await requireOrgAdmin(request);
  const asOf = q.asOf ?? formatDate(today());
  const body = await getActivityPanel(ctx.store, ctx.orgId, { range: q.range, asOf, deployment: ctx.deployment });
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
