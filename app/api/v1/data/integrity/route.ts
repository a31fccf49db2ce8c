// GET /api/v1/data/integrity → the last signed checkpoint, unsigned events and the last "verify now", without walking the chain.
import { isInstanceAdmin } from "@/lib/auth/accounts";
import { env } from "@/lib/env";
import { orgRoute } from "@/lib/http/route";
import { getIntegrityStatus } from "@/lib/queries/get-integrity-status";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader" }, async (ctx) => {
  const instanceAdmin = await isInstanceAdmin(ctx.store.db, ctx.account.id, ctx.deployment);
  const view = await getIntegrityStatus(ctx.store, ctx.orgId, env().ORGTRAIL_CHECKPOINT_INTERVAL_SECONDS, instanceAdmin);
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});
