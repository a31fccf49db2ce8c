// POST /api/v1/ingest: an NDJSON body of audit events → {accepted, duplicates, skipped, rejected:[{line, error}], quarantined}.
import { BodyTooLargeError } from "@/lib/http/body";
import { orgRoute } from "@/lib/http/route";
import { ingestNdjson, type IngestSummary } from "@/lib/ingest/ingest-ndjson";
import { recordIngested, recordIngestSummary } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = orgRoute({ role: "admin", basicChallenge: true, body: { kind: "stream" } }, async (ctx) => {
  let progress: IngestSummary | null = null;
  try {
    const summary = await ingestNdjson(ctx.store, ctx.orgId, ctx.body, {
      deployment: ctx.deployment,
      // Refused lines are kept in the quarantine, their origin the account that sent them.
      source: { kind: "api", origin: ctx.account.username },
      onProgress: (s) => (progress = s),
      onStored: (events) => recordIngested(ctx.orgSlug, events),
    });
    recordIngestSummary(ctx.orgSlug, summary.duplicates, summary.rejected);
    return Response.json(present(summary));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Batches committed before the limit was hit stay stored; re-sending is safe (dedupe).
    const done: IngestSummary | null = progress;
    return Response.json({ error: { code: error.code, message: error.message }, ...(done ? present(done) : {}) }, { status: error.status });
  }
});

function present(s: IngestSummary) {
  return {
    accepted: s.accepted,
    duplicates: s.duplicates,
    skipped: s.skipped,
    rejected: s.rejected,
    quarantined: s.quarantined,
    ...(s.rejectedTotal > s.rejected.length ? { rejectedTotal: s.rejectedTotal } : {}),
  };
}
