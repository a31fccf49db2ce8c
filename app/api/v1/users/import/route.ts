// POST /api/v1/users/import: a users CSV (the export's format) or a SCIM 2.0 ListResponse → {format, created, updated, rejected}.
import { z } from "zod";
import { badRequest } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";
import { cleanLabel, httpSource, recordIngestRun, REJECTED_SAMPLE } from "@/lib/ingest/ingest-runs";
import { importUsers, UsersImportError, type ImportUsersOptions } from "@/lib/users/import-users";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// `name`: the uploaded file's name, shown on the Data page (optional).
const importQuery = z.object({ name: z.string().max(1000).optional() });

export const POST = orgRoute({ role: "admin", basicChallenge: true, query: importQuery, body: { kind: "text" } }, async (ctx) => {
  const run = {
    orgId: ctx.orgId,
    kind: "users",
    source: httpSource(ctx.request),
    label: cleanLabel(ctx.query.name),
    accountId: ctx.account.id,
    actor: ctx.account.username,
    startedAt: Date.now(),
  } as const;
  try {
    const result = await importUsers(ctx.store, ctx.orgId, ctx.body, formatFrom(ctx.request.headers.get("content-type")));
    await recordIngestRun(ctx.store.db, {
      ...run,
      accepted: result.created + result.updated,
      rejected: result.rejected.length,
      rejectedSample: result.rejected.slice(0, REJECTED_SAMPLE),
      detail: { format: result.format, created: result.created, updated: result.updated },
    });
    return Response.json(result);
  } catch (error) {
    await recordIngestRun(ctx.store.db, { ...run, accepted: 0, rejected: 0, error: error instanceof Error ? error.message : String(error) });
    if (error instanceof UsersImportError) throw badRequest(error.message);
    throw error;
  }
});

/** JSON content types mean SCIM, CSV ones a users CSV; anything else is detected from the body. */
function formatFrom(contentType: string | null): ImportUsersOptions {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/scim+json" || type === "application/json") return { format: "scim" };
  if (type === "text/csv") return { format: "csv" };
  return {};
}
