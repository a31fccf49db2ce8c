// GET /api/v1/users/export.csv?asOf=YYYY-MM-DD[&status=] → the seed's users CSV, as a download (SPEC §6);
// `status` keeps only the users of that status, as on the list.
// The serialized (and compressed) answer is reused until the store changes (lib/queries/users-answer.ts).
import { usersQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { cachedAnswerResponse } from "@/lib/http/encoded-response";
import { orgRoute } from "@/lib/http/route";
import { usersAnswer } from "@/lib/queries/users-answer";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: usersQuerySchema, encoded: true }, async (ctx) => {
  const asOf = ctx.query.asOf ?? formatDate(today());
  const answer = await usersAnswer("csv", ctx.store, ctx.orgId, { asOf, deployment: ctx.deployment, status: ctx.query.status });
  return cachedAnswerResponse(ctx.request, answer, {
    "Content-Type": "text/csv; charset=utf-8",
    // The org slug is restricted to [A-Za-z0-9_-], the date to digits, the status to [a-z_]: safe in the header.
    "Content-Disposition": `attachment; filename="users-${ctx.orgSlug}-${asOf}${ctx.query.status ? `-${ctx.query.status}` : ""}.csv"`,
    "Cache-Control": "no-store",
  });
});
