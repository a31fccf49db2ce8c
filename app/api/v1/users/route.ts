// GET /api/v1/users?asOf=YYYY-MM-DD → {asOf, users:[...]}: every listed user, no paging (SPEC §6).
// The serialized (and compressed) answer is reused until the store changes (lib/queries/users-answer.ts).
import { queryParams, usersQuerySchema } from "@/lib/activity/params";
import { formatDate } from "@/lib/audit/timestamp";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { cachedAnswerResponse, encodedRoute } from "@/lib/http/encoded-response";
import { handle } from "@/lib/http/errors";
import { usersAnswer } from "@/lib/queries/users-answer";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = encodedRoute(
  handle(async (request: Request) => {
    const q = queryParams(request, usersQuerySchema);
    const ctx = await requireOrgAdmin(request);
    const asOf = q.asOf ?? formatDate(today());
    const answer = await usersAnswer("json", ctx.store, ctx.orgId, { asOf, deployment: ctx.deployment });
    return cachedAnswerResponse(request, answer, { "Cache-Control": "no-store", "Content-Type": "application/json" });
  }),
);
