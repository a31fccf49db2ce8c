// GET /api/v1/settings/access-log?limit=&before=: orgtrail's own access log, newest first (admins).
import { accessLogQuerySchema } from "@/lib/auth/access-log-view";
import { isInstanceAdmin } from "@/lib/auth/accounts";
import { orgRoute } from "@/lib/http/route";
import { listAccessLog } from "@/lib/queries/list-access-log";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "admin", query: accessLogQuerySchema }, async (ctx) => {
  const instanceAdmin = await isInstanceAdmin(ctx.store.db, ctx.account.id, ctx.deployment);
  const page = await listAccessLog(ctx.store.db, { orgId: ctx.orgId, instanceAdmin, limit: ctx.query.limit ?? 50, before: ctx.query.before });
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});
