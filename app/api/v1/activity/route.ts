// GET /api/v1/activity?period=30d|3m|6m|12m|all&asOf= → total and daily active users (SPEC §6); period defaults to 3m.
import { activityQuerySchema, queryParams } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";
import { getActivity } from "@/lib/queries/get-activity";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (request: Request) => {
  const q = queryParams(request, activityQuerySchema);
  const ctx = await requireOrgAdmin(request);
  const asOf = q.asOf ?? formatDate(today());
  const body = await getActivity(ctx.store, ctx.orgId, { period: q.period, asOf, deployment: ctx.deployment });
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
