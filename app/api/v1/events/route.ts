// GET /api/v1/events?q=&limit=&cursor= → {"events":[...],"total","next_cursor"}: the explorer's
// matches newest first, with the exact total and a signed cursor (docs/EXPLORER.md).
import { eventsQuerySchema } from "@/lib/explorer/params";
import { parseQueryParam, searchEvents } from "@/lib/explorer/explore";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: eventsQuerySchema }, async (ctx) => {
  const query = parseQueryParam(ctx.query.q);
  const page = await searchEvents(ctx.store, ctx.orgId, query, { limit: ctx.query.limit, cursor: ctx.query.cursor ?? null });
  // The stored lines are already JSON (schema keys only): written as they are.
  const body = `{"events":[${page.events.join(",")}],"total":${page.total},"next_cursor":${JSON.stringify(page.nextCursor)}}`;
  return new Response(body, { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" } });
});
