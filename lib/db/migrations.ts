import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Dialect } from "./dialect";

/** Migrations live in code so the CLI, the server and the tests run the same ones at start. */
function migrations(dialect: Dialect): Record<string, Migration> {
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
        // per user (active days, first and last active day, last activity) and per day
        // (distinct active users). The dashboard reads these instead of scanning user_day.
        await db.schema
          .createTable("user_activity")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("user_id", "integer", (c) => c.notNull())
          .addColumn("days", "integer", (c) => c.notNull())
          .addColumn("early_days", "integer", (c) => c.notNull())
          .addColumn("first_day", "integer", (c) => c.notNull())
          .addColumn("last_day", "integer", (c) => c.notNull())
          .addColumn("last_ts", big, (c) => c.notNull())
          .addPrimaryKeyConstraint("user_activity_pk", ["org_id", "user_id"])
          .execute();
        await db.schema
          .createTable("day_activity")
          .addColumn("org_id", "integer", (c) => c.notNull())
          .addColumn("day", "integer", (c) => c.notNull())
          .addColumn("users", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("day_activity_pk", ["org_id", "day"])
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
        // The log is append-only: the database itself refuses edits and deletions of events.
        if (dialect === "sqlite") {
          await sql`CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`.execute(db);
          await sql`CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`.execute(db);
        } else {
          await sql`CREATE FUNCTION orgtrail_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$`.execute(db);
          await sql`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION orgtrail_events_append_only()`.execute(db);
        }
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
