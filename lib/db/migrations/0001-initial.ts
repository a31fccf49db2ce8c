// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/** SQLite: the tables, indexes and append-only triggers. */
const SQLITE = [
  `create table "organizations" ("id" integer primary key autoincrement, "slug" text not null unique, "name" text not null, "created_at" integer not null, "last_seq" integer default 0 not null, "chain_head" text default '0000000000000000000000000000000000000000000000000000000000000000' not null)`,
  `create table "accounts" ("id" integer primary key autoincrement, "username" text not null unique, "key_hash" text not null, "created_at" integer not null, "default_org_id" integer references "organizations" ("id"))`,
  `create table "memberships" ("account_id" integer not null references "accounts" ("id"), "org_id" integer not null references "organizations" ("id"), "role" text not null, "created_at" integer not null, constraint "memberships_pk" primary key ("account_id", "org_id"))`,
  `create table "sessions" ("token_hash" text primary key, "account_id" integer not null references "accounts" ("id"), "created_at" integer not null, "expires_at" integer not null)`,
  `create table "users" ("id" integer primary key autoincrement, "org_id" integer not null references "organizations" ("id"), "external_id" text, "email" text, "email_key" text, "username" text, "name" text, "role" text, "teams" text, "models_seat" text, "reports" integer default 0 not null, "runs" integer default 0 not null, "in_directory" integer default 0 not null, "directory_created_at" integer, "directory_active" integer, "first_seen_at" integer, "first_invited_at" integer)`,
  `create unique index "users_org_external" on "users" ("org_id", "external_id")`,
  `create unique index "users_org_email" on "users" ("org_id", "email_key")`,
  `create index "users_org_username" on "users" ("org_id", "username")`,
  `create table "events" ("org_id" integer not null references "organizations" ("id"), "seq" integer not null, "ts" integer not null, "action" text not null, "actor_id" integer, "target_id" integer, "response_code" integer, "dedupe_key" text not null, "body" text not null, "extra" text, "ingested_at" integer not null, "chain" text not null, constraint "events_pk" primary key ("org_id", "seq"))`,
  `create unique index "events_org_dedupe" on "events" ("org_id", "dedupe_key")`,
  `create index "events_org_ts" on "events" ("org_id", "ts", "seq")`,
  `create table "user_day" ("org_id" integer not null, "user_id" integer not null, "day" integer not null, "events" integer not null, "first_ts" integer not null, "last_ts" integer not null, constraint "user_day_pk" primary key ("org_id", "user_id", "day"))`,
  `create index "user_day_org_day_last" on "user_day" ("org_id", "day", "user_id", "last_ts")`,
  `create index "user_day_org_user_last" on "user_day" ("org_id", "user_id", "day", "last_ts")`,
  `create table "user_activity" ("org_id" integer not null, "user_id" integer not null, "days" integer not null, "early_days" integer not null, "first_day" integer not null, "last_day" integer not null, "last_ts" integer not null, "d7" integer default 0 not null, "d30" integer default 0 not null, "d90" integer default 0 not null, constraint "user_activity_pk" primary key ("org_id", "user_id"))`,
  `create index "user_activity_org_last" on "user_activity" ("org_id", "last_day")`,
  `create table "day_activity" ("org_id" integer not null, "day" integer not null, "users" integer not null, constraint "day_activity_pk" primary key ("org_id", "day"))`,
  `create table "week_activity" ("org_id" integer not null, "week" integer not null, "users" integer not null, constraint "week_activity_pk" primary key ("org_id", "week"))`,
  `create table "user_lifecycle" ("org_id" integer not null, "user_id" integer not null, "seq" integer not null, "ts" integer not null, "action" text not null, "entity_name" text, constraint "user_lifecycle_pk" primary key ("org_id", "user_id", "seq"))`,
  `create index "user_lifecycle_org_action" on "user_lifecycle" ("org_id", "action", "user_id")`,
  `create table "access_log" ("id" integer primary key autoincrement, "at" integer not null, "account_id" integer, "method" text not null, "path" text not null, "status" integer not null)`,
  `create table "settings" ("key" text primary key, "value" text not null)`,
  `create table "job_leases" ("name" text primary key, "holder" text not null, "expires_at" integer not null)`,
  `create table "job_state" ("name" text primary key, "checkpoint" text, "last_run_at" integer, "last_success_at" integer, "last_error" text, "last_error_at" integer, "consecutive_failures" integer default 0 not null, "total_failures" integer default 0 not null)`,
  `create table "alert_settings" ("org_id" integer primary key references "organizations" ("id"), "slack_client_id" text, "slack_client_secret_enc" text, "slack_webhook_enc" text, "slack_channel" text, "slack_team" text, "slack_connected_at" integer, "rules" text not null, "updated_at" integer not null)`,
  `create table "alert_outbox" ("id" integer primary key autoincrement, "org_id" integer not null references "organizations" ("id"), "rule" text not null, "dedupe_key" text not null, "subject_at" integer not null, "payload" text not null, "status" text not null, "attempts" integer default 0 not null, "next_attempt_at" integer not null, "created_at" integer not null, "delivered_at" integer, "last_error" text)`,
  `create unique index "alert_outbox_org_dedupe" on "alert_outbox" ("org_id", "dedupe_key")`,
  `create index "alert_outbox_due" on "alert_outbox" ("status", "next_attempt_at")`,
  `create index "alert_outbox_org_rule_subject" on "alert_outbox" ("org_id", "rule", "subject_at")`,
  `create table "event_purges" ("org_id" integer not null, "up_to_seq" integer not null, "chain_head" text not null, "count" integer not null, "purged_at" integer not null, "key_id" text not null, "signature" text not null, constraint "event_purges_pk" primary key ("org_id", "up_to_seq"))`,
  `create table "checkpoints" ("id" integer primary key autoincrement, "org_id" integer not null, "from_seq" integer not null, "to_seq" integer not null, "prev_head" text not null, "head" text not null, "created_at" integer not null, "key_id" text not null, "signature" text not null)`,
  `create index "checkpoints_org_to" on "checkpoints" ("org_id", "to_seq")`,
  `CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`,
  `CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN NOT EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
        OR max(OLD.ts, OLD.ingested_at) >= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 189388800000
      BEGIN SELECT RAISE(ABORT, 'events are append-only (only a recorded retention purge may delete)'); END`,
  `CREATE TRIGGER "event_purges_no_update" BEFORE UPDATE ON "event_purges" BEGIN SELECT RAISE(ABORT, 'event_purges are append-only'); END`,
  `CREATE TRIGGER "event_purges_no_delete" BEFORE DELETE ON "event_purges" BEGIN SELECT RAISE(ABORT, 'event_purges are append-only'); END`,
  `CREATE TRIGGER "checkpoints_no_update" BEFORE UPDATE ON "checkpoints" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END`,
  `CREATE TRIGGER "checkpoints_no_delete" BEFORE DELETE ON "checkpoints" BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END`,
];

/** PostgreSQL: the tables, indexes, append-only triggers and their functions. */
const POSTGRES = [
  `create table "organizations" ("id" serial primary key, "slug" text not null unique, "name" text not null, "created_at" bigint not null, "last_seq" bigint default 0 not null, "chain_head" text default '0000000000000000000000000000000000000000000000000000000000000000' not null)`,
  `create table "accounts" ("id" serial primary key, "username" text not null unique, "key_hash" text not null, "created_at" bigint not null, "default_org_id" integer references "organizations" ("id"))`,
  `create table "memberships" ("account_id" integer not null references "accounts" ("id"), "org_id" integer not null references "organizations" ("id"), "role" text not null, "created_at" bigint not null, constraint "memberships_pk" primary key ("account_id", "org_id"))`,
  `create table "sessions" ("token_hash" text primary key, "account_id" integer not null references "accounts" ("id"), "created_at" bigint not null, "expires_at" bigint not null)`,
  `create table "users" ("id" serial primary key, "org_id" integer not null references "organizations" ("id"), "external_id" text, "email" text, "email_key" text, "username" text, "name" text, "role" text, "teams" text, "models_seat" text, "reports" integer default 0 not null, "runs" integer default 0 not null, "in_directory" integer default 0 not null, "directory_created_at" bigint, "directory_active" integer, "first_seen_at" bigint, "first_invited_at" bigint)`,
  `create unique index "users_org_external" on "users" ("org_id", "external_id")`,
  `create unique index "users_org_email" on "users" ("org_id", "email_key")`,
  `create index "users_org_username" on "users" ("org_id", "username")`,
  `create table "events" ("org_id" integer not null references "organizations" ("id"), "seq" bigint not null, "ts" bigint not null, "action" text not null, "actor_id" integer, "target_id" integer, "response_code" integer, "dedupe_key" text not null, "body" text not null, "extra" text, "ingested_at" bigint not null, "chain" text not null, constraint "events_pk" primary key ("org_id", "seq"))`,
  `create unique index "events_org_dedupe" on "events" ("org_id", "dedupe_key")`,
  `create index "events_org_ts" on "events" ("org_id", "ts", "seq")`,
  `create table "user_day" ("org_id" integer not null, "user_id" integer not null, "day" integer not null, "events" integer not null, "first_ts" bigint not null, "last_ts" bigint not null, constraint "user_day_pk" primary key ("org_id", "user_id", "day"))`,
  `create index "user_day_org_day_last" on "user_day" ("org_id", "day", "user_id", "last_ts")`,
  `create index "user_day_org_user_last" on "user_day" ("org_id", "user_id", "day", "last_ts")`,
  `create table "user_activity" ("org_id" integer not null, "user_id" integer not null, "days" integer not null, "early_days" integer not null, "first_day" integer not null, "last_day" integer not null, "last_ts" bigint not null, "d7" integer default 0 not null, "d30" integer default 0 not null, "d90" integer default 0 not null, constraint "user_activity_pk" primary key ("org_id", "user_id"))`,
  `create index "user_activity_org_last" on "user_activity" ("org_id", "last_day")`,
  `create table "day_activity" ("org_id" integer not null, "day" integer not null, "users" integer not null, constraint "day_activity_pk" primary key ("org_id", "day"))`,
  `create table "week_activity" ("org_id" integer not null, "week" integer not null, "users" integer not null, constraint "week_activity_pk" primary key ("org_id", "week"))`,
  `create table "user_lifecycle" ("org_id" integer not null, "user_id" integer not null, "seq" bigint not null, "ts" bigint not null, "action" text not null, "entity_name" text, constraint "user_lifecycle_pk" primary key ("org_id", "user_id", "seq"))`,
  `create index "user_lifecycle_org_action" on "user_lifecycle" ("org_id", "action", "user_id")`,
  `create table "access_log" ("id" serial primary key, "at" bigint not null, "account_id" integer, "method" text not null, "path" text not null, "status" integer not null)`,
  `create table "settings" ("key" text primary key, "value" text not null)`,
  `create table "job_leases" ("name" text primary key, "holder" text not null, "expires_at" bigint not null)`,
  `create table "job_state" ("name" text primary key, "checkpoint" text, "last_run_at" bigint, "last_success_at" bigint, "last_error" text, "last_error_at" bigint, "consecutive_failures" integer default 0 not null, "total_failures" integer default 0 not null)`,
  `create table "alert_settings" ("org_id" integer primary key references "organizations" ("id"), "slack_client_id" text, "slack_client_secret_enc" text, "slack_webhook_enc" text, "slack_channel" text, "slack_team" text, "slack_connected_at" bigint, "rules" text not null, "updated_at" bigint not null)`,
  `create table "alert_outbox" ("id" serial primary key, "org_id" integer not null references "organizations" ("id"), "rule" text not null, "dedupe_key" text not null, "subject_at" bigint not null, "payload" text not null, "status" text not null, "attempts" integer default 0 not null, "next_attempt_at" bigint not null, "created_at" bigint not null, "delivered_at" bigint, "last_error" text)`,
  `create unique index "alert_outbox_org_dedupe" on "alert_outbox" ("org_id", "dedupe_key")`,
  `create index "alert_outbox_due" on "alert_outbox" ("status", "next_attempt_at")`,
  `create index "alert_outbox_org_rule_subject" on "alert_outbox" ("org_id", "rule", "subject_at")`,
  `create table "event_purges" ("org_id" integer not null, "up_to_seq" bigint not null, "chain_head" text not null, "count" bigint not null, "purged_at" bigint not null, "key_id" text not null, "signature" text not null, constraint "event_purges_pk" primary key ("org_id", "up_to_seq"))`,
  `create table "checkpoints" ("id" serial primary key, "org_id" integer not null, "from_seq" bigint not null, "to_seq" bigint not null, "prev_head" text not null, "head" text not null, "created_at" bigint not null, "key_id" text not null, "signature" text not null)`,
  `create index "checkpoints_org_to" on "checkpoints" ("org_id", "to_seq")`,
  `CREATE FUNCTION orgtrail_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
        AND greatest(OLD.ts, OLD.ingested_at) < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 189388800000::bigint THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'events are append-only (only a recorded retention purge may delete)';
    END $$`,
  `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION orgtrail_events_append_only()`,
  `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()`,
  `CREATE FUNCTION orgtrail_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
  `CREATE TRIGGER "event_purges_append_only" BEFORE UPDATE OR DELETE ON "event_purges" FOR EACH ROW EXECUTE FUNCTION orgtrail_evidence_append_only()`,
  `CREATE TRIGGER "event_purges_no_truncate" BEFORE TRUNCATE ON "event_purges" FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_evidence_append_only()`,
  `CREATE TRIGGER "checkpoints_append_only" BEFORE UPDATE OR DELETE ON "checkpoints" FOR EACH ROW EXECUTE FUNCTION orgtrail_evidence_append_only()`,
  `CREATE TRIGGER "checkpoints_no_truncate" BEFORE TRUNCATE ON "checkpoints" FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_evidence_append_only()`,
];

/** The purge function, SECURITY DEFINER with the migrating schema as its search path (`schema`: a quoted identifier). */
const purgeFunction = (schema: string) =>
  `CREATE FUNCTION orgtrail_purge_events(p_org integer, p_up_to bigint, p_head text, p_count bigint,
      p_purged_at bigint, p_key_id text, p_signature text, p_retention_days integer)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${schema}, pg_temp AS $$
    DECLARE
      cutoff bigint;
      prev bigint;
      n bigint;
      too_new bigint;
      head text;
    BEGIN
      IF p_retention_days IS NULL OR p_retention_days < 2192 THEN
        RAISE EXCEPTION 'retention must be at least % days', 2192;
      END IF;
      cutoff := (extract(epoch FROM clock_timestamp()) * 1000)::bigint - p_retention_days::bigint * 86400000;
      PERFORM 1 FROM organizations WHERE id = p_org FOR UPDATE;
      SELECT coalesce(max(up_to_seq), 0) INTO prev FROM event_purges WHERE org_id = p_org;
      IF p_up_to <= prev THEN RAISE EXCEPTION 'events up to % are already purged', prev; END IF;
      SELECT count(*), count(*) FILTER (WHERE ts >= cutoff OR ingested_at >= cutoff) INTO n, too_new
        FROM events WHERE org_id = p_org AND seq > prev AND seq <= p_up_to;
      IF too_new > 0 THEN RAISE EXCEPTION '% events up to seq % are within the retention period', too_new, p_up_to; END IF;
      IF n <> p_up_to - prev OR n <> p_count THEN RAISE EXCEPTION 'purge count % does not match the % stored events', p_count, n; END IF;
      SELECT chain INTO head FROM events WHERE org_id = p_org AND seq = p_up_to;
      IF head IS DISTINCT FROM p_head THEN RAISE EXCEPTION 'chain head at % does not match the purge record', p_up_to; END IF;
      INSERT INTO event_purges (org_id, up_to_seq, chain_head, count, purged_at, key_id, signature)
        VALUES (p_org, p_up_to, p_head, p_count, p_purged_at, p_key_id, p_signature);
      DELETE FROM events WHERE org_id = p_org AND seq > prev AND seq <= p_up_to;
      RETURN n;
    END $$`;

const POSTGRES_PURGE_GRANTS = [
  `REVOKE ALL ON FUNCTION orgtrail_purge_events(integer, bigint, text, bigint, bigint, text, text, integer) FROM PUBLIC`,
  // The application role (NOLOGIN): the server connects as a LOGIN role that is a member of it.
  // Creating it needs CREATEROLE; without it the migration goes on and the DBA creates it.
  `DO $do$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orgtrail_app') THEN
        BEGIN
          CREATE ROLE orgtrail_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'orgtrail: cannot create role orgtrail_app (%); create it (CREATE ROLE orgtrail_app NOLOGIN) and run the migrations again', SQLERRM;
    END $do$`,
];

/** Rights of the application role when it exists (`schema`: a quoted identifier). */
const roleGrants = (schema: string) => [
  `GRANT USAGE ON SCHEMA ${schema} TO "orgtrail_app"`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO "orgtrail_app"`,
  `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO "orgtrail_app"`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "orgtrail_app"`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO "orgtrail_app"`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON events, event_purges, checkpoints FROM "orgtrail_app"`,
  `GRANT EXECUTE ON FUNCTION orgtrail_purge_events(integer, bigint, text, bigint, bigint, text, text, integer) TO "orgtrail_app"`,
];

/**
 * 0001_initial: organizations, accounts, the directory, events, the rollups, the access log,
 * settings, jobs, Slack alerts, and the trust schema (purge records, signed checkpoints, the
 * triggers that keep `events` append-only, and on PostgreSQL the application role without
 * UPDATE/DELETE/TRUNCATE on the evidence tables and the SECURITY DEFINER purge function).
 */
export function m0001Initial(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === "sqlite") {
        for (const statement of SQLITE) await sql.raw(statement).execute(db);
        return;
      }
      for (const statement of POSTGRES) await sql.raw(statement).execute(db);
      const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
      const schema = quoteIdent(rows[0]!.schema);
      await sql.raw(purgeFunction(schema)).execute(db);
      for (const statement of POSTGRES_PURGE_GRANTS) await sql.raw(statement).execute(db);
      const role = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${"orgtrail_app"}`.execute(db);
      if (role.rows[0]!.n === 0) return;
      for (const statement of roleGrants(schema)) await sql.raw(statement).execute(db);
    },
  };
}

/** A PostgreSQL identifier, quoted as Kysely's sql.id quoted it when this migration was released. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
