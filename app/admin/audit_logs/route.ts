// GET /admin/audit_logs: the seed's audit-log API (SPEC §5), NDJSON streamed oldest first.
import { removePii } from "@/lib/audit/anonymize";
import { parseAuditLogQuery } from "@/lib/audit/audit-log-params";
import { dayStartMs } from "@/lib/audit/timestamp";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { badRequest, handle } from "@/lib/http/errors";
import { streamAuditLogBodies } from "@/lib/queries/stream-audit-logs";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (request: Request) => {
  const ctx = await requireOrgAdmin(request, { basicChallenge: true });
  const parsed = parseAuditLogQuery(new URL(request.url).searchParams, ctx.deployment, today());
  if (!parsed.ok) throw badRequest(parsed.error);
  const { anonymize, firstDay, lastDay } = parsed.query;
  const pages = streamAuditLogBodies(ctx.store, { orgId: ctx.orgId, fromMs: dayStartMs(firstDay), toMs: dayStartMs(lastDay + 1) });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pages.next();
        if (next.done) return controller.close();
        const lines = anonymize ? next.value.map(removePii) : next.value;
        controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
      } catch (error) {
        console.error("orgtrail: audit log stream failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" },
  });
});
