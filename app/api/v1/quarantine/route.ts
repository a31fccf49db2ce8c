// GET /api/v1/quarantine?limit=&cursor= → {lines:[{id, receivedAt, source, origin, line, reason, text|base64, bytes, truncated}], total, next_cursor, days:[...]}:
// lines kept as received that could not be stored (docs/INGEST.md), oldest first.
import { z } from "zod";
import { formatDate } from "@/lib/audit/timestamp";
import { orgRoute } from "@/lib/http/route";
import { countQuarantine, listQuarantine, listQuarantineDays, quarantinedLineJson } from "@/lib/queries/list-quarantine";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The id of the last line of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "must be a next_cursor of a previous answer")
    .optional(),
});

export const GET = orgRoute({ role: "reader", query: querySchema }, async (ctx) => {
  const { limit, cursor } = ctx.query;
  const page = await listQuarantine(ctx.store, ctx.orgId, { afterId: cursor === undefined ? 0 : Number(cursor), limit: limit + 1 });
  const more = page.length > limit;
  const lines = page.slice(0, limit);
  const days = await listQuarantineDays(ctx.store, ctx.orgId);
  return Response.json(
    {
      lines: lines.map(quarantinedLineJson),
      total: await countQuarantine(ctx.store, ctx.orgId),
      next_cursor: more ? String(lines[lines.length - 1]!.id) : null,
      days: days.map((d) => ({ source: d.source, date: formatDate(d.day), kept: d.kept, dropped: d.dropped })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});
