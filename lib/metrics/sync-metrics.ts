import { Counter, Gauge } from "prom-client";
import type { Store } from "../db/client";
import { env } from "../env";
import { loadExportCursors } from "../export/bucket-cursor";
import { parseBucketUrl } from "../bucket/location";
import { listJobStates } from "../jobs/state";
import { metrics } from "./registry";

/** Bucket sync and background-job health: counters from this process, gauges read from job_state at scrape. */
interface SyncMetrics {
  exportedEvents: Counter<"org">;
  exportedObjects: Counter<"org">;
  exportedBytes: Counter<"org">;
  importedObjects: Counter<"org">;
  jobLastSuccess: Gauge<"job_name">;
  jobLastFailure: Gauge<"job_name">;
  jobSinceSuccess: Gauge<"job_name">;
  jobConsecutiveFailures: Gauge<"job_name">;
  jobFailures: Counter<"job_name">;
  exportPending: Gauge<"org">;
}

const holder = globalThis as unknown as { __orgtrailSyncMetrics?: SyncMetrics };

function syncMetrics(): SyncMetrics {
  if (holder.__orgtrailSyncMetrics) return holder.__orgtrailSyncMetrics;
  const registers = [metrics().registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge<L>({ name, help, labelNames, registers });
  holder.__orgtrailSyncMetrics = {
    exportedEvents: counter("orgtrail_bucket_export_events_total", "Events written to the bucket by this process (verified).", ["org"]),
    exportedObjects: counter("orgtrail_bucket_export_objects_total", "Objects written to the bucket by this process (verified).", ["org"]),
    exportedBytes: counter("orgtrail_bucket_export_bytes_total", "Bytes written to the bucket by this process (verified).", ["org"]),
    importedObjects: counter("orgtrail_bucket_source_objects_total", "Objects read from the bucket source by this process.", ["org"]),
    jobLastSuccess: gauge("orgtrail_job_last_success_timestamp_seconds", "Unix time of the job's last successful run (job_state).", ["job_name"]),
    jobLastFailure: gauge("orgtrail_job_last_failure_timestamp_seconds", "Unix time of the job's last failed run (job_state).", ["job_name"]),
    jobSinceSuccess: gauge("orgtrail_job_seconds_since_last_success", "Seconds since the job's last successful run (job_state).", ["job_name"]),
    jobConsecutiveFailures: gauge("orgtrail_job_consecutive_failures", "Failed runs of the job since its last success (job_state).", ["job_name"]),
    jobFailures: counter("orgtrail_job_failures_total", "Failed runs of the job, all servers together (job_state).", ["job_name"]),
    exportPending: gauge(
      "orgtrail_bucket_export_pending_events",
      "Events not yet verified in ORGTRAIL_BUCKET_URL: the organization's last sequence number minus the export cursor.",
      ["org"],
    ),
  };
  return holder.__orgtrailSyncMetrics;
}

export function recordBucketExport(org: string, events: number, bytes: number): void {
  const m = syncMetrics();
  m.exportedEvents.inc({ org }, events);
  m.exportedObjects.inc({ org });
  m.exportedBytes.inc({ org }, bytes);
}

export function recordBucketImport(org: string): void {
  syncMetrics().importedObjects.inc({ org });
}

// Job names come from code; anything else (a URL, say) is never turned into a label.
const JOB_NAME = /^[a-z0-9][a-z0-9:_-]{0,63}$/i;

/** Refreshes the job_state gauges and the export lag; called by GET /metrics. `instanceOnly`: leave out jobs of one organization. */
export async function collectSyncMetrics(store: Store, now = Date.now(), options: { instanceOnly?: boolean } = {}): Promise<void> {
  const m = syncMetrics();
  const states = (await listJobStates(store.db)).filter((s) => !options.instanceOnly || s.org_id === null);
  for (const g of [m.jobLastSuccess, m.jobLastFailure, m.jobSinceSuccess, m.jobConsecutiveFailures]) g.reset();
  m.jobFailures.reset();
  for (const s of states) {
    // Rows that never ran are checkpoints kept apart from their job (e.g. one per upstream source).
    if (!JOB_NAME.test(s.name) || s.last_run_at === null) continue;
    const labels = { job_name: s.name };
    if (s.last_success_at !== null) {
      m.jobLastSuccess.set(labels, Number(s.last_success_at) / 1000);
      m.jobSinceSuccess.set(labels, Math.max(0, (now - Number(s.last_success_at)) / 1000));
    }
    if (s.last_error_at !== null) m.jobLastFailure.set(labels, Number(s.last_error_at) / 1000);
    m.jobConsecutiveFailures.set(labels, Number(s.consecutive_failures));
    m.jobFailures.inc(labels, Number(s.total_failures));
  }
  m.exportPending.reset();
  const url = env().ORGTRAIL_BUCKET_URL;
  if (url) {
    const cursors = await loadExportCursors(store.db, parseBucketUrl(url).url);
    const orgs = await store.db.selectFrom("organizations").select(["slug", "last_seq"]).execute();
    for (const o of orgs) m.exportPending.set({ org: o.slug }, Math.max(0, Number(o.last_seq) - (cursors[o.slug] ?? 0)));
  }
}
