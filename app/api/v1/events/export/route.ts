// GET /api/v1/events/export?q=&format=ndjson|csv → every match oldest first, streamed at flat
// memory (docs/EXPLORER.md); CSV with one column per schema key, formula-safe.
import { formatDate } from "@/lib/audit/timestamp";
import { exportQuerySchema } from "@/lib/explorer/params";
import { exportStream, parseQueryParam } from "@/lib/explorer/explore";
import { orgRoute } from "@/lib/http/route";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader", query: exportQuerySchema }, async (ctx) => {
  const query = parseQueryParam(ctx.query.q);
  const format = ctx.query.format;
  const body = await exportStream(ctx.store, ctx.orgId, query, format);
  // The org slug is restricted to [A-Za-z0-9_-], the date to digits: safe in the header.
  const filename = `events-${ctx.orgSlug}-${formatDate(today())}.${format}`;
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
});
