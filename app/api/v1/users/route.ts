// GET /api/v1/users?asOf=YYYY-MM-DD → {asOf, users:[...]}: every listed user, no paging (SPEC §6).
import { queryParams, usersQuerySchema } from "@/lib/activity/params";
import type { UsersResponse } from "@/lib/activity/types";
import { formatDate } from "@/lib/audit/timestamp";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";
import { listUsers } from "@/lib/queries/list-users";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (request: Request) => {
  const q = queryParams(request, usersQuerySchema);
  const ctx = await requireOrgAdmin(request);
  const asOf = q.asOf ?? formatDate(today());
  const users = await listUsers(ctx.store, ctx.orgId, { asOf, deployment: ctx.deployment });
  const body: UsersResponse = { asOf, users };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
