/**
 * Shapes of the Data page's API (/api/v1/data/*), shared by the routes, the hooks and the
 * components. Types only: safe in client components. Times are RFC3339 strings or null.
 */

/** GET /api/v1/data/freshness: how old the organization's newest event is (the header's indicator). */
export interface FreshnessView {
  /** Timestamp of the newest stored event: when it happened on the platform (this is "last event"). */
  newestEventAt: string | null;
  /** When orgtrail stored the event with the highest sequence number (the last one received). */
  lastReceivedAt: string | null;
  /** Seconds from newestEventAt to the server's clock (never negative). */
  ageSeconds: number | null;
  /** ORGTRAIL_FRESHNESS_WARN_MINUTES: older than this is `stale` (amber). */
  warnAfterMinutes: number;
  stale: boolean;
  /** Events stored in the organization (after any retention purge). */
  eventsStored: number;
  checkedAt: string;
}

/** One row of job_state, read generically so jobs added later appear without code here. */
export interface JobView {
  name: string;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  totalFailures: number;
  /** The job's own progress JSON (a `progress` column when a job keeps one), or for a pull checkpoint the day it is complete before. */
  progress: Record<string, unknown> | null;
}

export type SourceId = "browser" | "api" | "cli" | "pull" | "bucket" | "directory";

export interface SourceView {
  id: SourceId;
  label: string;
  /** `failing`: its last run or job failed; `ok`: it ran; `idle`: set up but never ran; `off`: not set up and never used. */
  status: "ok" | "failing" | "idle" | "off";
  /** How it is set up, in a sentence (or why it is off). */
  setup: string;
  lastRunAt: string | null;
  /** The last run that brought new events or users. */
  lastDataAt: string | null;
  /** Seconds since lastDataAt. */
  lagSeconds: number | null;
  /** Over the last 30 days. */
  runs30d: number;
  accepted30d: number;
  rejected30d: number;
  failures30d: number;
  lastError: { at: string | null; message: string } | null;
  /** job_state rows of this source (the scheduler's job, its checkpoints). */
  jobs: JobView[];
}

/** GET /api/v1/data/sources */
export interface DataSourcesView {
  sources: SourceView[];
  /** Background jobs of the whole instance that are not one of the sources above. */
  otherJobs: JobView[];
  checkedAt: string;
}

export interface RejectedLine {
  line: number;
  error: string;
}

export interface IngestRunView {
  id: number;
  kind: "events" | "users";
  source: "browser" | "api" | "cli" | "pull";
  label: string | null;
  actor: string;
  startedAt: string;
  finishedAt: string;
  status: "ok" | "failed";
  accepted: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  /** The first rejected lines (all are counted in `rejected`). */
  rejectedSample: RejectedLine[];
  error: string | null;
  detail: Record<string, unknown> | null;
}

/** GET /api/v1/data/uploads */
export interface UploadsView {
  runs: IngestRunView[];
}

export interface IntegrityCheckView {
  startedAt: string;
  finishedAt: string;
  actor: string;
  ok: boolean;
  events: number;
  fromSeq: number;
  lastSeq: number;
  checkpoints: number;
  unsignedTail: number;
  firstBadSeq: number | null;
  reason: string | null;
}

/** GET /api/v1/data/integrity: what is known without walking the chain. */
export interface IntegrityStatusView {
  eventsStored: number;
  lastSeq: number;
  /** Events removed by retention purges (their chain starts after this sequence number). */
  purgedThrough: number;
  lastCheckpoint: { fromSeq: number; toSeq: number; createdAt: string; keyId: string } | null;
  /** Events after the last signed checkpoint (the hourly job signs them). */
  unsignedEvents: number;
  checkpointIntervalSeconds: number;
  checkpointJob: JobView | null;
  lastCheck: IntegrityCheckView | null;
}

/** Lines of POST /api/v1/data/integrity/verify (NDJSON, one object per line). */
export type VerifyStreamLine =
  { type: "progress"; done: number; total: number } | { type: "result"; check: IntegrityCheckView } | { type: "error"; message: string };
