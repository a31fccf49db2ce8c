// POST /api/v1/users/import: a users CSV (the export's format) or a SCIM 2.0 ListResponse → {format, created, updated, rejected}.
import { requireSameOrigin } from "@/lib/web/same-origin";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { env } from "@/lib/env";
import { badRequest, handle, payloadTooLarge } from "@/lib/http/errors";
import { requestChunks } from "@/lib/http/body";
import { BodyTooLargeError, limitBytes } from "@/lib/ingest/ingest-ndjson";
import { importUsers, UsersImportError, type ImportUsersOptions } from "@/lib/users/import-users";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = handle(async (request: Request) => {
  requireSameOrigin(request); // CSRF: a browser session must not be driven by another site
  const ctx = await requireOrgAdmin(request, { basicChallenge: true });
  const text = await readUtf8(request, env().ORGTRAIL_MAX_BODY_BYTES);
  try {
    const result = await importUsers(ctx.store, ctx.orgId, text, formatFrom(request.headers.get("content-type")));
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

async function readUtf8(request: Request, limit: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of limitBytes(requestChunks(request, limit), limit)) {
      parts.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(error.message);
    throw error;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("the body is not valid UTF-8");
  }
}
