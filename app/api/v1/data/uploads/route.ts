// GET /api/v1/data/uploads?limit= → the organization's latest uploads and pulls, newest first, with their first rejected lines.
import { z } from "zod";
import { orgRoute } from "@/lib/http/route";
import { listIngestRuns } from "@/lib/queries/list-ingest-runs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const uploadsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

export const GET = orgRoute({ role: "reader", query: uploadsQuery }, async (ctx) => {
  const runs = await listIngestRuns(ctx.store, ctx.orgId, ctx.query.limit);
  return Response.json({ runs }, { headers: { "Cache-Control": "no-store" } });
});
