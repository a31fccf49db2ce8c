// GET /api/v1/activity?period=30d|3m|6m|12m|all&asOf= → total and daily active users (SPEC §6); period defaults to 3m.
import { activityQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { orgRoute } from "@/lib/http/route";
import { answerDuringBulk } from "@/lib/queries/bulk-lag";
import { getActivity } from "@/lib/queries/get-activity";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: activityQuerySchema }, async (ctx) => {
  const asOf = ctx.query.asOf ?? formatDate(today());
  const q = { period: ctx.query.period, asOf, deployment: ctx.deployment };
  const body = await answerDuringBulk(`activity|${q.period}|${q.asOf}|${q.deployment}`, ctx.store, ctx.orgId, () => getActivity(ctx.store, ctx.orgId, q));
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
