// The Data page's record of an upstream pull (lib/ingest/ingest-runs.ts): written by the server's
// poller and by `orgtrail pull` when a pull brought events, rejected lines or stopped on an error.
// Pulls that found nothing new are not recorded (the job state says when the pull last ran).
import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { recordIngestRun } from "../ingest/ingest-runs";
import type { PullSummary } from "./pull-upstream";

export async function recordPullRun(
  db: Kysely<Database>,
  r: { orgId: number; url: string; actor: string; startedAt: number; summary: PullSummary; error: Error | null },
): Promise<void> {
  const { summary, error } = r;
  if (summary.accepted === 0 && summary.rejected === 0 && !error) return;
  let label: string | null = null;
  try {
    label = new URL(r.url).host;
  } catch {
    label = null;
  }
  await recordIngestRun(db, {
    orgId: r.orgId,
    kind: "events",
    source: "pull",
    label,
    actor: r.actor,
    startedAt: r.startedAt,
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    skipped: summary.skipped,
    rejected: summary.rejected,
    error: error ? error.message : null,
    detail: { fetched: summary.fetched, requests: summary.requests, completeBefore: summary.nextDay },
  });
}
