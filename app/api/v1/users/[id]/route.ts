// GET /api/v1/users/[id]?asOf= → the user page: the user as /api/v1/users lists it, active days of
// the last 12 months with event counts, lifecycle history (docs/DASHBOARD.md). [id] is users.id.
import { usersQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { notFound } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";
import { getUserDetail } from "@/lib/queries/get-user-detail";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: usersQuerySchema }, async (ctx) => {
  const raw = ctx.params.id;
  // users.id: a positive whole number within the column's range; anything else names no user.
  const id = typeof raw === "string" && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null;
  const asOf = ctx.query.asOf ?? formatDate(today());
  const detail = id === null ? null : await getUserDetail(ctx.store, ctx.orgId, id, { asOf, deployment: ctx.deployment });
  if (!detail) throw notFound("no such user in this organization");
  return Response.json(detail, { headers: { "Cache-Control": "no-store" } });
});
