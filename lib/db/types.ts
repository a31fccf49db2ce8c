import type { Generated } from "kysely";

/** Times are epoch milliseconds (UTC); days are day numbers since 1970-01-01 (UTC). */
export interface OrganizationsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  created_at: number;
  /** Highest event sequence number used in this organization (0 when none). */
  last_seq: number;
  /** Hash chain at last_seq (lib/trust/chain.ts; 64 zeros when none). */
  chain_head: Generated<string>;
  /** 1: created as the demo organization (migration 0012; set at creation only, lib/demo/organization.ts). */
  demo: Generated<number>;
}

export interface AccountsTable {
  id: Generated<number>;
  username: string;
  /** SHA-256 (hex) of the API key; the key itself is never stored. */
  key_hash: string;
  created_at: number;
  default_org_id: number | null;
  /** 1: an instance admin (sees instance-wide jobs; in multi-tenant mode the only way to be one). */
  instance_admin: Generated<number>;
  /** Verified email (lower-cased) an SSO sign-in finds the account by (migration 0018). */
  email: string | null;
  /** The identity provider and its `sub` the account is bound to after its first SSO sign-in. */
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

export interface MembershipsTable {
  account_id: number;
  org_id: number;
  role: "admin" | "auditor" | "member";
  created_at: number;
}

/** SSO sign-ins in progress (lib/auth/sso/flows.ts); a row is used once. */
export interface SsoFlowsTable {
  /** SHA-256 (hex) of the `state` sent to the identity provider. */
  state_hash: string;
  /** SHA-256 (hex) of the flow cookie of the browser that started it. */
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  /** Same-site path to land on after sign-in. */
  next: string;
  expires_at: number;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token held in the cookie. */
  token_hash: string;
  account_id: number;
  created_at: number;
  /** Absolute end: created_at + ORGTRAIL_SESSION_MAX_HOURS. */
  expires_at: number;
  /** Last request seen (updated at most once a minute); the idle timeout counts from it. */
  last_seen_at: number | null;
  /** Client address and User-Agent at sign-in. */
  address: string | null;
  user_agent: string | null;
  /** How the account signed in: `api_key`, `sso`. */
  method: string | null;
}

/** Platform users: the directory (CSV / SCIM) merged with identities seen in events. */
export interface UsersTable {
  id: Generated<number>;
  org_id: number;
  external_id: string | null;
  email: string | null;
  /** Lower-cased email, the case-insensitive identity key. */
  email_key: string | null;
  username: string | null;
  name: string | null;
  role: string | null;
  /** JSON array of team names from the directory, or null when the directory has not listed the user. */
  teams: string | null;
  models_seat: string | null;
  reports: number;
  runs: number;
  in_directory: number;
  /** SCIM meta.created, when the directory supplied one. */
  directory_created_at: number | null;
  /** SCIM `active`: 0 when the directory deactivated the user; null when it did not say. */
  directory_active: number | null;
  /** Earliest event naming the user (actor or target), any response code. */
  first_seen_at: number | null;
  /** Earliest `user:create` / `team:invite_user` naming the user. */
  first_invited_at: number | null;
}

/** The append-only log. `body` is the exported line: schema keys only, canonical. */
export interface EventsTable {
  org_id: number;
  seq: number;
  ts: number;
  action: string;
  actor_id: number | null;
  target_id: number | null;
  response_code: number | null;
  dedupe_key: string;
  body: string;
  extra: string | null;
  ingested_at: number;
  /** Hash chain through this event: SHA-256(previous chain ‖ seq ‖ dedupe_key) (lib/trust/chain.ts). */
  chain: string;
}

/** One row per user and UTC day with at least one active event. */
export interface UserDayTable {
  org_id: number;
  user_id: number;
  day: number;
  events: number;
  first_ts: number;
  last_ts: number;
}

/**
 * Per-user summary of user_day, maintained at ingest: answers the users list (and the
 * period totals) for an asOf on or after the user's last active day without reading user_day.
 */
export interface UserActivityTable {
  org_id: number;
  user_id: number;
  /** Rows of the user in user_day (active days). */
  days: number;
  /** Of those, days before 2025-05-08 (they do not count in multi-tenant mode). */
  early_days: number;
  first_day: number;
  last_day: number;
  /** Latest active event (the max of user_day.last_ts). */
  last_ts: number;
  /** Active days in the 7, 30 and 90 days ending on last_day (bounds for the most-active ranking). */
  d7: Generated<number>;
  d30: Generated<number>;
  d90: Generated<number>;
}

/**
 * Per user and group of 32 days (`block` = the day number / 32, truncated): the first and last
 * of the user's active days in it, maintained at ingest (migration 0033). Counts the users
 * active in a past window from the window's groups (lib/queries/activity-sql.ts).
 */
export interface UserBlockTable {
  org_id: number;
  block: number;
  user_id: number;
  first_day: number;
  last_day: number;
}

/** Per-day count of user_day rows (distinct active users that day, gone users included), maintained at ingest. */
export interface DayActivityTable {
  org_id: number;
  day: number;
  users: number;
}

/** Per ISO week (its Monday's day number): distinct active users that week, gone users included. */
export interface WeekActivityTable {
  org_id: number;
  week: number;
  users: number;
}

/** Lifecycle and team-membership events aimed at a user (small: read instead of raw events). */
export interface UserLifecycleTable {
  org_id: number;
  user_id: number;
  seq: number;
  ts: number;
  action: string;
  entity_name: string | null;
}

/** orgtrail's own access log (sign-ins, API calls), kept apart from the organization's events. */
export interface AccessLogTable {
  id: Generated<number>;
  /** The entry's time; for an aggregated entry, the start of its minute. */
  at: number;
  account_id: number | null;
  method: string;
  path: string;
  status: number;
  /** `request`, `refused`, `sign_in`, `sign_out`, `key_rotated`, `sessions_revoked` (lib/auth/access-log.ts). */
  event: Generated<string>;
  /** The account's username, or the one a refused request tried. */
  username: string | null;
  /** Client address (lib/auth/client-address.ts). */
  client: string | null;
  user_agent: string | null;
  detail: string | null;
  /** Requests this entry stands for (aggregated entries: per client and minute). */
  count: Generated<number>;
  last_at: number | null;
  /** Aggregation key (unique), NULL for a single entry. */
  bucket: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface JobLeasesTable {
  name: string;
  /** Identifies one server process (host, pid, random). */
  holder: string;
  expires_at: number;
}

export interface JobStateTable {
  name: string;
  /** Job-specific JSON (a sequence number, a time window...): where a restart resumes. */
  checkpoint: string | null;
  last_run_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  consecutive_failures: number;
  total_failures: number;
  /** The organization the job works for; NULL for an instance-wide job (shown to instance admins only). */
  org_id: number | null;
  /** Job-specific progress JSON for the Data page (an upstream pull: lib/sources/pull-progress.ts); null when none. */
  progress: string | null;
}

/** Slack alerting of one organization (lib/alerts). Secrets are AES-256-GCM ciphertexts (lib/alerts/secret-box.ts). */
export interface AlertSettingsTable {
  org_id: number;
  slack_client_id: string | null;
  slack_client_secret_enc: string | null;
  /** The incoming webhook from the "Add to Slack" exchange (it is a credential: encrypted). */
  slack_webhook_enc: string | null;
  slack_channel: string | null;
  slack_team: string | null;
  slack_connected_at: number | null;
  /** JSON of lib/alerts/rules.ts `AlertRules`. */
  rules: string;
  updated_at: number;
}

/** Alerts waiting for (or done with) delivery to Slack: written at ingest, sent by the slack-alerts job. */
export interface AlertOutboxTable {
  id: Generated<number>;
  org_id: number;
  rule: string;
  /** Unique per organization: the same alert is never queued twice. */
  dedupe_key: string;
  /** What the alert is about (an event's time, a window's end, a week's start), for cool-downs. */
  subject_at: number;
  /** The Slack message (Block Kit JSON). */
  payload: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

/** Objects a bucket source has read (one row per source URL and object key). */
export interface BucketSourceObjectsTable {
  source: string;
  key: string;
  /** The object's version when read (S3 ETag; size and mtime in a folder): a change means read again. */
  version: string;
  size: number;
  org_id: number;
  read_at: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** A retention purge (lib/trust/purge.ts): the only way events leave; signed, append-only. */
export interface EventPurgesTable {
  org_id: number;
  up_to_seq: number;
  /** Chain at up_to_seq: verification restarts from it. */
  chain_head: string;
  count: number;
  purged_at: number;
  key_id: string;
  signature: string;
}

/** A signed checkpoint of an organization's chain (lib/trust/checkpoint.ts); append-only. */
export interface CheckpointsTable {
  id: Generated<number>;
  org_id: number;
  from_seq: number;
  to_seq: number;
  /** Chain at from_seq - 1. */
  prev_head: string;
  /** Chain at to_seq. */
  head: string;
  created_at: number;
  key_id: string;
  signature: string;
}

/** A line that could not be stored, kept as received (lib/ingest/quarantine-plan.ts); not an event. */
export interface QuarantineTable {
  id: Generated<number>;
  org_id: number;
  received_at: number;
  /** api | cli | pull | bucket | other */
  source: string;
  /** The file, object key, upstream window or account the line number is relative to. */
  origin: string;
  line: number;
  reason: string;
  /** The line's bytes as received (its first 64 KiB when it was longer: see `bytes`). */
  raw: Uint8Array;
  /** The line's length as received. */
  bytes: number;
}

/** Per organization, source and UTC day of receipt: lines quarantined, and lines only counted past the bounds. */
export interface QuarantineDaysTable {
  org_id: number;
  source: string;
  day: number;
  kept: number;
  dropped: number;
}

/** A bulk load under way (migration 0032, lib/ingest/bulk-writers.ts): one row per organization and process. */
export interface BulkWritersTable {
  org_id: number;
  holder: string;
  started_at: number;
  beat_at: number;
}

/** Per organization, a counter bumped by triggers on every change of the users list's tables (lib/db/data-version.ts). */
export interface DataVersionsTable {
  org_id: number;
  version: number;
}

/** A demo organization removed whole by `orgtrail demo --remove` (append-only; docs/SECURITY.md). */
export interface DemoRemovalsTable {
  org_id: number;
  slug: string;
  /** Events it held (its last sequence number) and its chain head when removed. */
  last_seq: number;
  chain_head: string;
  removed_at: number;
}

/** One upload or pull as the Data page lists it (lib/ingest/ingest-runs.ts), written when it ends. */
export interface IngestRunsTable {
  id: Generated<number>;
  org_id: number;
  /** `events` (NDJSON audit log) or `users` (users CSV / SCIM JSON). */
  kind: string;
  /** `browser` (the Data page), `api` (HTTP with Basic auth), `cli`, or `pull` (upstream pull). */
  source: string;
  /** The file name (browser, CLI) or the upstream's host; null when none. */
  label: string | null;
  /** orgtrail account of an HTTP upload; null for the CLI and the server's own jobs. */
  account_id: number | null;
  /** Who: the account's username, `cli (OS user)` or `server`. */
  actor: string;
  started_at: number;
  finished_at: number;
  /** `ok`, or `failed` (the run stopped: body too large, aborted, upstream error...; counts are what was stored). */
  status: string;
  /** Events stored, or users created or updated. */
  accepted: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  /** JSON `[{line, error}]`: the first rejected lines (lib/ingest/ingest-runs.ts REJECTED_SAMPLE). */
  rejected_sample: string | null;
  error: string | null;
  /** JSON, kind-specific (a users import's format, created and updated counts). */
  detail: string | null;
}

/** A finished "verify now" of one organization's chain (lib/trust/integrity-checks.ts). */
export interface IntegrityChecksTable {
  id: Generated<number>;
  org_id: number;
  account_id: number | null;
  actor: string;
  started_at: number;
  finished_at: number;
  /** 1 when the chain and every signature checked out. */
  ok: number;
  events: number;
  from_seq: number;
  last_seq: number;
  checkpoints: number;
  unsigned_tail: number;
  first_bad_seq: number | null;
  reason: string | null;
}

export interface Database {
  organizations: OrganizationsTable;
  accounts: AccountsTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  sso_flows: SsoFlowsTable;
  users: UsersTable;
  events: EventsTable;
  event_purges: EventPurgesTable;
  checkpoints: CheckpointsTable;
  user_day: UserDayTable;
  user_activity: UserActivityTable;
  user_block: UserBlockTable;
  day_activity: DayActivityTable;
  week_activity: WeekActivityTable;
  user_lifecycle: UserLifecycleTable;
  access_log: AccessLogTable;
  settings: SettingsTable;
  job_leases: JobLeasesTable;
  job_state: JobStateTable;
  bucket_source_objects: BucketSourceObjectsTable;
  alert_settings: AlertSettingsTable;
  alert_outbox: AlertOutboxTable;
  quarantine: QuarantineTable;
  quarantine_days: QuarantineDaysTable;
  data_versions: DataVersionsTable;
  demo_removals: DemoRemovalsTable;
  ingest_runs: IngestRunsTable;
  integrity_checks: IntegrityChecksTable;
  bulk_writers: BulkWritersTable;
}
