import "server-only";
import type { Store } from "../db/client";
import type { IngestRunView, RejectedLine } from "../sources/data-views";

const iso = (ms: number) => new Date(Number(ms)).toISOString();

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** The organization's latest uploads and pulls (ingest_runs), newest first. */
export async function listIngestRuns(store: Store, orgId: number, limit: number): Promise<IngestRunView[]> {
  const rows = await store.db
    .selectFrom("ingest_runs")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("finished_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind === "users" ? "users" : "events",
    source: r.source as IngestRunView["source"],
    label: r.label,
    actor: r.actor,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    status: r.status === "failed" ? "failed" : "ok",
    accepted: Number(r.accepted),
    duplicates: Number(r.duplicates),
    skipped: Number(r.skipped),
    rejected: Number(r.rejected),
    rejectedSample: parseJson<RejectedLine[]>(r.rejected_sample) ?? [],
    error: r.error,
    detail: parseJson<Record<string, unknown>>(r.detail),
  }));
}
