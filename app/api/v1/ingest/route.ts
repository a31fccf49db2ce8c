// POST /api/v1/ingest: an NDJSON body of audit events → {accepted, duplicates, rejected:[{line, error}]}.
import { requireSameOrigin } from "@/lib/web/same-origin";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { env } from "@/lib/env";
import { handle, payloadTooLarge } from "@/lib/http/errors";
import { requestChunks } from "@/lib/http/body";
import { BodyTooLargeError, ingestNdjson, limitBytes, type IngestSummary } from "@/lib/ingest/ingest-ndjson";
import { recordIngested, recordIngestSummary } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = handle(async (request: Request) => {
  requireSameOrigin(request); // CSRF: a browser session must not be driven by another site
  const ctx = await requireOrgAdmin(request, { basicChallenge: true });
  const limit = env().ORGTRAIL_MAX_BODY_BYTES;
  let progress: IngestSummary | null = null;
  try {
    const summary = await ingestNdjson(ctx.store, ctx.orgId, limitBytes(requestChunks(request, limit), limit), {
      deployment: ctx.deployment,
      onProgress: (s) => (progress = s),
      onStored: (events) => recordIngested(ctx.orgSlug, events),
    });
    recordIngestSummary(ctx.orgSlug, summary.duplicates, summary.rejected);
    return Response.json(present(summary));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Batches committed before the limit was hit stay stored; re-sending is safe (dedupe).
    const done: IngestSummary | null = progress;
    return Response.json(
      { error: { code: "payload_too_large", message: error.message }, ...(done ? present(done) : {}) },
      { status: payloadTooLarge(error.message).status },
    );
  }
});

function present(s: IngestSummary) {
  return {
    accepted: s.accepted,
    duplicates: s.duplicates,
    skipped: s.skipped,
    rejected: s.rejected,
    ...(s.rejectedTotal > s.rejected.length ? { rejectedTotal: s.rejectedTotal } : {}),
  };
}
