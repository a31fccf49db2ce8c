// POST /api/v1/ingest: an NDJSON body of audit events → {accepted, duplicates, skipped, rejected:[{line, error}], quarantined}.
import { z } from "zod";
import { BodyTooLargeError } from "@/lib/http/body";
import { orgRoute } from "@/lib/http/route";
import { ingestNdjson, type IngestSummary } from "@/lib/ingest/ingest-ndjson";
import { cleanLabel, httpSource, recordIngestRun, REJECTED_SAMPLE } from "@/lib/ingest/ingest-runs";
import { recordIngested, recordIngestSummary } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// `name`: the uploaded file's name, shown on the Data page (optional).
const ingestQuery = z.object({ name: z.string().max(1000).optional() });

export const POST = orgRoute({ role: "admin", basicChallenge: true, query: ingestQuery, body: { kind: "stream" } }, async (ctx) => {
  let progress: IngestSummary | null = null;
  const run = {
    orgId: ctx.orgId,
    kind: "events",
    source: httpSource(ctx.request),
    label: cleanLabel(ctx.query.name),
    accountId: ctx.account.id,
    actor: ctx.account.username,
    startedAt: Date.now(),
  } as const;
  try {
    const summary = await ingestNdjson(ctx.store, ctx.orgId, ctx.body, {
      deployment: ctx.deployment,
      // Refused lines are kept in the quarantine, their origin the account that sent them (and the file's name from the Data page).
      source: { kind: "api", origin: run.label ? `${ctx.account.username} ${run.label}` : ctx.account.username },
      onProgress: (s) => (progress = s),
      onStored: (events) => recordIngested(ctx.orgSlug, events),
    });
    recordIngestSummary(ctx.orgSlug, summary.duplicates, summary.rejected);
    await recordIngestRun(ctx.store.db, { ...run, ...counts(summary) });
    return Response.json(present(summary));
  } catch (error) {
    const done: IngestSummary | null = progress;
    await recordIngestRun(ctx.store.db, {
      ...run,
      ...(done ? counts(done) : { accepted: 0, rejected: 0 }),
      error: error instanceof Error ? error.message : String(error),
    });
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Batches committed before the limit was hit stay stored; re-sending is safe (dedupe).
    return Response.json({ error: { code: error.code, message: error.message }, ...(done ? present(done) : {}) }, { status: error.status });
  }
});

function counts(s: IngestSummary) {
  return {
    accepted: s.accepted,
    duplicates: s.duplicates,
    skipped: s.skipped,
    rejected: s.rejectedTotal,
    rejectedSample: s.rejected.slice(0, REJECTED_SAMPLE),
  };
}

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
