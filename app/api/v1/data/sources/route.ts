// GET /api/v1/data/sources → each source of the organization's data: last run, last new data, lag, errors, rejected lines, job state.
import { isInstanceAdmin } from "@/lib/auth/accounts";
import { env } from "@/lib/env";
import { orgRoute } from "@/lib/http/route";
import { getDataSources } from "@/lib/queries/get-data-sources";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader" }, async (ctx) => {
  const instanceAdmin = await isInstanceAdmin(ctx.store.db, ctx.account.id, ctx.deployment);
  const view = await getDataSources(ctx.store, ctx.orgId, ctx.orgSlug, env(), Date.now(), instanceAdmin);
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});
