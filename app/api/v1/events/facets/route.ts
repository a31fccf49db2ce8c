// GET /api/v1/events/facets?q=&field=action|actor|user|status|entity|project|ip → the 20 most
// frequent values among the matches, by count then value (docs/EXPLORER.md).
import { facetsQuerySchema } from "@/lib/explorer/params";
import { eventFacets, parseQueryParam } from "@/lib/explorer/explore";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: facetsQuerySchema }, async (ctx) => {
  const query = parseQueryParam(ctx.query.q);
  const values = await eventFacets(ctx.store, ctx.orgId, query, ctx.query.field);
  return Response.json({ field: ctx.query.field, values }, { headers: { "Cache-Control": "no-store" } });
});
