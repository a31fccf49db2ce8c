// POST /api/v1/users/import: a users CSV (the export's format) or a SCIM 2.0 ListResponse → {format, created, updated, rejected}.
import { badRequest } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";
import { importUsers, UsersImportError, type ImportUsersOptions } from "@/lib/users/import-users";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = orgRoute({ role: "admin", basicChallenge: true, body: { kind: "text" } }, async (ctx) => {
  try {
    const result = await importUsers(ctx.store, ctx.orgId, ctx.body, formatFrom(ctx.request.headers.get("content-type")));
    return Response.json(result);
  } catch (error) {
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
