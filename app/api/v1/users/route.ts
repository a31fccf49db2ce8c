// GET /api/v1/users?asOf=YYYY-MM-DD&status= → {asOf, users:[...]}: every listed user (of that status,
// when given: active, invite_pending, deactivated, inactive), no paging (SPEC §6).
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
  const answer = await usersAnswer("json", ctx.store, ctx.orgId, { asOf, deployment: ctx.deployment, status: ctx.query.status });
  return cachedAnswerResponse(ctx.request, answer, { "Cache-Control": "no-store", "Content-Type": "application/json" });
});
