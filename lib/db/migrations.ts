import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Dialect } from "./dialect";
import { CHAIN_DEFAULT, createTrustSchema } from "../trust/schema";
import { createDataVersions } from "./data-version";
import { partitionEventsByMonth } from "./pg-partitions";

/** Migrations live in code so the CLI, the server and the tests run the same ones at start. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const pk = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("organizations")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("slug", "text", (c) => c.notNull().unique())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .addColumn("last_seq", big, (c) => c.notNull().defaultTo(0))
          // Hash-chain head at last_seq (lib/trust/chain.ts), updated in the append transaction.
          .addColumn("chain_head", "text", (c) => c.notNull().defaultTo(CHAIN_DEFAULT))
          .execute();
        await db.schema
          .createTable("accounts")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("username", "text", (c) => c.notNull().unique())
          .addColumn("key_hash", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .addColumn("default_org_id", "integer", (c) => c.references("organizations.id"))
          .execute();
        await db.schema
          .createTable("memberships")
          .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id"))
          .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id"))
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("memberships_pk", ["account_id", "org_id"])
          .execute();
        await db.schema
          .createTable("sessions")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("account_id", "integer", (c) => c.notNull().references("accounts.id"))
          .addColumn("created_at", big, (c) => c.notNull())
          .addColumn("expires_at", big, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("users")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id"))
          .addColumn("external_id", "text")
          .addColumn("email", "text")
          .addColumn("email_key", "text")
          .addColumn("username", "text")
          .addColumn("name", "text")
          .addColumn("role", "text")
          .addColumn("teams", "text")
          .addColumn("models_seat", "text")
          .addColumn("reports", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("runs", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("in_directory", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("directory_created_at", big)
          // SCIM `active: false` (0); null when the directory did not say (a CSV, an events-only user).
          .addColumn("directory_active", "integer")
          .addColumn("first_seen_at", big)
          .addColumn("first_invited_at", big)
          .execute();
        await db.schema.createIndex("users_org_external").unique().on("users").columns(["org_id", "external_id"]).execute();
        await db.schema.createIndex("users_org_email").unique().on("users").columns(["org_id", "email_key"]).execute();
        await db.schema.createIndex("users_org_username").on("users").columns(["org_id", "username"]).execute();
        await db.schema
          .createTable("events")
          .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id"))
          .addColumn("seq", big, (c) => c.notNull())
          .addColumn("ts", big, (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("actor_id", "integer")
          .addColumn("target_id", "integer")
          .addColumn("response_code", "integer")
          .addColumn("dedupe_key", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addColumn("extra", "text")
          .addColumn("ingested_at", big, (c) => c.notNull())
          .addColumn("chain", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("events_pk", ["org_id", "seq"])
          .execute();
        await db.schema.createIndex("events_org_dedupe").unique().on("events").columns(["org_id", "dedupe_key"]).execute();
        await db.schema.createIndex("events_org_ts").on("events").columns(["org_id", "ts", "seq"]).execute();
        await db.schema
          .createTable("user_day")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull())
          .addColumn("day", "integer", (c) => c.notNull())
          .addColumn("events", "integer", (c) => c.notNull())
          .addColumn("first_ts", big, (c) => c.notNull())
          .addColumn("last_ts", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("user_day_pk", ["org_id", "user_id", "day"])
          .execute();
        // Covering indexes: a day range with user and last activity (activity, panel, most
        // active) and per-user totals (users list) are answered from the index alone.
        await db.schema.createIndex("user_day_org_day_last").on("user_day").columns(["org_id", "day", "user_id", "last_ts"]).execute();
        await db.schema.createIndex("user_day_org_user_last").on("user_day").columns(["org_id", "user_id", "day", "last_ts"]).execute();
        // Rollups of user_day kept in the same transaction as the events (lib/ingest/rollups.ts):
        // per user (active days, first and last active day, last activity, recent days), per day
        // and per ISO week (distinct active users). The dashboard reads these instead of
        // scanning user_day.
        await db.schema
          .createTable("user_activity")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull())
          .addColumn("days", "integer", (c) => c.notNull())
          .addColumn("early_days", "integer", (c) => c.notNull())
          .addColumn("first_day", "integer", (c) => c.notNull())
          .addColumn("last_day", "integer", (c) => c.notNull())
          .addColumn("last_ts", big, (c) => c.notNull())
          // Active days in the 7, 30 and 90 days ending on last_day: upper bounds of the days
          // in any panel range ending on or after last_day (the most-active ranking's pruning).
          .addColumn("d7", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("d30", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("d90", "integer", (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint("user_activity_pk", ["org_id", "user_id"])
          .execute();
        // Users by last active day: "active since", and none active after a recent asOf, are seeks.
        await db.schema.createIndex("user_activity_org_last").on("user_activity").columns(["org_id", "last_day"]).execute();
        await db.schema
          .createTable("day_activity")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("day", "integer", (c) => c.notNull())
          .addColumn("users", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("day_activity_pk", ["org_id", "day"])
          .execute();
        // Per ISO week (keyed by its Monday): distinct active users that week.
        await db.schema
          .createTable("week_activity")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("week", "integer", (c) => c.notNull())
          .addColumn("users", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("week_activity_pk", ["org_id", "week"])
          .execute();
        await db.schema
          .createTable("user_lifecycle")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull())
          .addColumn("seq", big, (c) => c.notNull())
          .addColumn("ts", big, (c) => c.notNull())
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("entity_name", "text")
          .addPrimaryKeyConstraint("user_lifecycle_pk", ["org_id", "user_id", "seq"])
          .execute();
        // Finds the few users a delete ever aimed at without reading every lifecycle row.
        await db.schema.createIndex("user_lifecycle_org_action").on("user_lifecycle").columns(["org_id", "action", "user_id"]).execute();
        await db.schema
          .createTable("access_log")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("at", big, (c) => c.notNull())
          .addColumn("account_id", "integer")
          .addColumn("method", "text", (c) => c.notNull())
          .addColumn("path", "text", (c) => c.notNull())
          .addColumn("status", "integer", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("settings")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("value", "text", (c) => c.notNull())
          .execute();
        // Scheduled jobs: one leader per job across every server on the store, by lease.
        await db.schema
          .createTable("job_leases")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("holder", "text", (c) => c.notNull())
          .addColumn("expires_at", big, (c) => c.notNull())
          .execute();
        // Each job's progress and health (checkpoint, last success, last failure).
        await db.schema
          .createTable("job_state")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("checkpoint", "text")
          .addColumn("last_run_at", big)
          .addColumn("last_success_at", big)
          .addColumn("last_error", "text")
          .addColumn("last_error_at", big)
          .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("total_failures", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        // Slack alerts (lib/alerts): per-organization settings (secrets encrypted) and an outbox.
        await db.schema
          .createTable("alert_settings")
          .addColumn("org_id", "integer", (c) => c.primaryKey().references("organizations.id"))
          .addColumn("slack_client_id", "text")
          .addColumn("slack_client_secret_enc", "text")
          .addColumn("slack_webhook_enc", "text")
          .addColumn("slack_channel", "text")
          .addColumn("slack_team", "text")
          .addColumn("slack_connected_at", big)
          .addColumn("rules", "text", (c) => c.notNull())
          .addColumn("updated_at", big, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("alert_outbox")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id"))
          .addColumn("rule", "text", (c) => c.notNull())
          .addColumn("dedupe_key", "text", (c) => c.notNull())
          .addColumn("subject_at", big, (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("next_attempt_at", big, (c) => c.notNull())
          .addColumn("created_at", big, (c) => c.notNull())
          .addColumn("delivered_at", big)
          .addColumn("last_error", "text")
          .execute();
        await db.schema.createIndex("alert_outbox_org_dedupe").unique().on("alert_outbox").columns(["org_id", "dedupe_key"]).execute();
        await db.schema.createIndex("alert_outbox_due").on("alert_outbox").columns(["status", "next_attempt_at"]).execute();
        await db.schema.createIndex("alert_outbox_org_rule_subject").on("alert_outbox").columns(["org_id", "rule", "subject_at"]).execute();
        // The log is append-only: the database itself refuses edits and deletions of events
        // (only a recorded retention purge may delete), plus purge records, signed checkpoints
        // and the PostgreSQL application role (lib/trust/schema.ts, docs/SECURITY.md).
        await createTrustSchema(db, dialect);
      },
    },
    // Bucket source (lib/sources/bucket-source.ts): which objects of a bucket were read, at which version.
    "0002_bucket_source_objects": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("bucket_source_objects")
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("version", "text", (c) => c.notNull())
          .addColumn("size", big, (c) => c.notNull())
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("read_at", big, (c) => c.notNull())
          .addColumn("accepted", "integer", (c) => c.notNull())
          .addColumn("duplicates", "integer", (c) => c.notNull())
          .addColumn("rejected", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("bucket_source_objects_pk", ["source", "key"])
          .execute();
      },
    },
    // Per-organization change counter of the users list's tables, kept by triggers (lib/db/data-version.ts).
    "0003_data_versions": {
      async up(db: Kysely<unknown>) {
        await createDataVersions(db, dialect);
      },
    },
    // PostgreSQL only: `events` partitioned by month, existing rows moved (lib/db/pg-partitions.ts, docs/SCALING.md).
    "0004_pg_events_by_month": {
      async up(db: Kysely<unknown>) {
        if (dialect === "postgres") await partitionEventsByMonth(db);
      },
    },
    // SQLite only: the dedupe index leads with the event's time, (org_id, ts, dedupe_key), as
    // PostgreSQL's partitions already do by month. A dedupe key fixes its event's time, so the
    // index is as unique as before; but a batch's keys now land near each other (audit logs
    // arrive roughly in time order) instead of on random leaves of the whole index, which was
    // rewritten page by page into the WAL with every batch (docs/PERFORMANCE.md, ingest).
    "0005_sqlite_dedupe_by_time": {
      async up(db: Kysely<unknown>) {
        if (dialect !== "sqlite") return;
        await sql`DROP INDEX events_org_dedupe`.execute(db);
        await sql`CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, ts, dedupe_key)`.execute(db);
      },
    },
    // Single sign-on (lib/auth/sso, docs/SSO.md): an account's verified email (lower-cased) and
    // the identity provider's subject it is bound to after its first SSO sign-in.
    "0018_account_sso_identity": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("accounts").addColumn("email", "text").execute();
        await db.schema.alterTable("accounts").addColumn("oidc_issuer", "text").execute();
        await db.schema.alterTable("accounts").addColumn("oidc_subject", "text").execute();
        await db.schema.createIndex("accounts_email").on("accounts").column("email").unique().execute();
        await db.schema.createIndex("accounts_oidc_identity").on("accounts").columns(["oidc_issuer", "oidc_subject"]).unique().execute();
      },
    },
    // SSO sign-ins in progress: state (hashed), nonce and PKCE verifier, bound to the browser's
    // flow cookie (hashed); a row is deleted when its state is used, so a state works once.
    "0019_sso_flows": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("sso_flows")
          .addColumn("state_hash", "text", (c) => c.primaryKey())
          .addColumn("browser_hash", "text", (c) => c.notNull())
          .addColumn("nonce", "text", (c) => c.notNull())
          .addColumn("code_verifier", "text", (c) => c.notNull())
          .addColumn("next", "text", (c) => c.notNull())
          .addColumn("expires_at", big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("sso_flows_expires").on("sso_flows").column("expires_at").execute();
      },
    },
    // The Data page's record of uploads (lib/ingest/ingest-runs.ts): one row per ingest or users
    // import through the HTTP API (browser or script), the CLI, and per upstream pull that brought
    // something. Written once, when the run ends. Frozen: never edit, add a migration instead.
    "0028_ingest_runs": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("ingest_runs")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("label", "text")
          .addColumn("account_id", "integer")
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("started_at", big, (c) => c.notNull())
          .addColumn("finished_at", big, (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("accepted", big, (c) => c.notNull())
          .addColumn("duplicates", big, (c) => c.notNull())
          .addColumn("skipped", big, (c) => c.notNull())
          .addColumn("rejected", big, (c) => c.notNull())
          .addColumn("rejected_sample", "text")
          .addColumn("error", "text")
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("ingest_runs_org_finished").on("ingest_runs").columns(["org_id", "finished_at"]).execute();
        await db.schema.createIndex("ingest_runs_org_source_finished").on("ingest_runs").columns(["org_id", "source", "finished_at"]).execute();
      },
    },
    // "Verify now" on the Data page (lib/trust/integrity-checks.ts): each finished verification
    // of an organization's chain, kept so the page can say what was verified, when and by whom.
    "0029_integrity_checks": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("integrity_checks")
          .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("account_id", "integer")
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("started_at", big, (c) => c.notNull())
          .addColumn("finished_at", big, (c) => c.notNull())
          .addColumn("ok", "integer", (c) => c.notNull())
          .addColumn("events", big, (c) => c.notNull())
          .addColumn("from_seq", big, (c) => c.notNull())
          .addColumn("last_seq", big, (c) => c.notNull())
          .addColumn("checkpoints", "integer", (c) => c.notNull())
          .addColumn("unsigned_tail", big, (c) => c.notNull())
          .addColumn("first_bad_seq", big)
          .addColumn("reason", "text")
          .execute();
        await db.schema.createIndex("integrity_checks_org_finished").on("integrity_checks").columns(["org_id", "finished_at"]).execute();
      },
    },
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const all = migrations(dialect);
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({ db, provider, migrationTableName: "orgtrail_migrations", migrationLockTableName: "orgtrail_migrations_lock" });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
}
