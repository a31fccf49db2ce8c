// GET /api/v1/data/freshness → how old the organization's newest event is, and whether that passes ORGTRAIL_FRESHNESS_WARN_MINUTES.
import { env } from "@/lib/env";
import { orgRoute } from "@/lib/http/route";
import { getFreshness } from "@/lib/queries/get-freshness";
import { freshnessView } from "@/lib/sources/data-status";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader" }, async (ctx) => {
  const view = freshnessView(await getFreshness(ctx.store, ctx.orgId), Date.now(), env().ORGTRAIL_FRESHNESS_WARN_MINUTES);
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});
