// GET /api/v1/events/histogram?q= → {"from","to","days":[{"date","count"}]}: matches per UTC day,
// zero-filled over the days the query allows, else the organization's history (docs/EXPLORER.md).
import { histogramQuerySchema } from "@/lib/explorer/params";
import { eventHistogram, parseQueryParam } from "@/lib/explorer/explore";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: histogramQuerySchema }, async (ctx) => {
  const query = parseQueryParam(ctx.query.q);
  return Response.json(await eventHistogram(ctx.store, ctx.orgId, query), { headers: { "Cache-Control": "no-store" } });
});
