// GET /admin/audit_logs: the seed's audit-log API (SPEC §5), NDJSON streamed oldest first; with
// limit, endDate or cursor, one JSON page and a signed cursor (docs/AUDIT_LOG_API.md).
import { decodeCursor, encodeCursor, type CursorBinding } from "@/lib/audit/audit-log-cursor";
import { lineAnonymizer } from "@/lib/audit/anonymize";
import { envelopeBody, ndjsonBody, ndjsonBytesBody } from "@/lib/audit/audit-log-body";
import { filtersDigest, parseAuditLogQuery } from "@/lib/audit/audit-log-params";
import { cursorKey } from "@/lib/audit/cursor-key";
import { auditLogPagesWithQuery } from "@/lib/explorer/explore";
import { badRequest } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";
import { pageAuditLogs } from "@/lib/queries/page-audit-logs";
import { streamAuditLogBytes } from "@/lib/queries/stream-audit-logs";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const HEADERS = { "Cache-Control": "no-store" };

// The parameters are the seed's (with their own messages, lib/audit/audit-log-params.ts): read there.
export const GET = orgRoute({ role: "reader", basicChallenge: true }, async (ctx) => {
  const params = new URL(ctx.request.url).searchParams;
  params.delete("org");
  const parsed = parseAuditLogQuery(params, ctx.deployment, today());
  if (!parsed.ok) throw badRequest(parsed.error);
  const q = parsed.query;
  const range = { orgId: ctx.orgId, fromMs: q.fromMs, toMs: q.toMs, filters: q.filters };
  // anonymize=true removes the PII keys, anonymize=hash replaces them with per-organization HMACs.
  const transform = lineAnonymizer(q.anonymize, ctx.orgId);
  // `q` (the explorer's filter language, an extension) is answered from the explorer's index.
  const query = q.filters.query ?? null;
  if (!q.envelope) {
    // Stored lines as they are (the export fast path), or line by line through the transform.
    const body =
      query !== null
        ? ndjsonBody(await auditLogPagesWithQuery(ctx.store, { ...range, after: null, max: Infinity }, query), transform)
        : transform === null
          ? ndjsonBytesBody(streamAuditLogBytes(ctx.store, range))
          : ndjsonBody(pageAuditLogs(ctx.store, { ...range, after: null, max: Infinity }), transform);
    return new Response(body, {
      headers: { ...HEADERS, "Content-Type": "application/x-ndjson; charset=utf-8" },
    });
  }
  const key = await cursorKey(ctx.store);
  const binding: CursorBinding = { orgId: ctx.orgId, fromMs: q.fromMs, toMs: q.toMs, anonymize: q.anonymize, filters: filtersDigest(q.filters) };
  let after = null;
  if (q.cursor !== null) {
    const decoded = decodeCursor(key, q.cursor, binding);
    if (!decoded.ok) throw badRequest(decoded.error);
    after = decoded.position;
  }
  const pages =
    query !== null
      ? await auditLogPagesWithQuery(ctx.store, { ...range, after, max: q.limit + 1 }, query)
      : pageAuditLogs(ctx.store, { ...range, after, max: q.limit + 1 });
  const body = envelopeBody(pages, {
    transform,
    limit: q.limit,
    fromMs: q.fromMs,
    toMs: q.toMs,
    cursorAfter: (row) => encodeCursor(key, binding, { ts: row.ts, seq: row.seq }),
  });
  return new Response(body, { headers: { ...HEADERS, "Content-Type": "application/json; charset=utf-8" } });
});
