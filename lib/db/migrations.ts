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
    // A job's progress as JSON, for the Data page (lib/sources/pull-progress.ts, docs/UPSTREAM_PULL.md).
    "0010_job_progress": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("job_state").addColumn("progress", "text").execute();
      },
    },
    // Who gets in (issue 13, docs/SECURITY.md): sessions remember when they were last seen and
    // from where (idle timeout, `admin sessions`); the access log aggregates (`bucket` is the
    // aggregation key, unique; NULL for single entries) and says what happened; an account can
    // be flagged instance admin; a job's state may belong to one organization (NULL: instance-wide).
    "0015_access": {
      async up(db: Kysely<unknown>) {
        // SQLite adds one column per ALTER TABLE.
        const add = async (table: string, column: string, type: "text" | "integer" | "bigint", notNullDefault?: string | number) => {
          await db.schema
            .alterTable(table)
            .addColumn(column, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
            .execute();
        };
        await add("sessions", "last_seen_at", big);
        await add("sessions", "address", "text");
        await add("sessions", "user_agent", "text");
        await add("sessions", "method", "text");
        await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute();
        await add("accounts", "instance_admin", "integer", 0);
        await add("access_log", "event", "text", "request");
        await add("access_log", "username", "text");
        await add("access_log", "client", "text");
        await add("access_log", "user_agent", "text");
        await add("access_log", "detail", "text");
        await add("access_log", "count", "integer", 1);
        await add("access_log", "last_at", big);
        await add("access_log", "bucket", "text");
        await db.schema.createIndex("access_log_bucket").unique().on("access_log").column("bucket").execute();
        await db.schema.createIndex("access_log_at").on("access_log").column("at").execute();
        await add("job_state", "org_id", "integer");
      },
    },
    // Demo organizations (lib/demo/organization.ts): `demo` = 1 marks an organization created
    // as the demo, set at creation and never changed afterwards (the database refuses), so a
    // real organization can never be turned into one and removed (0013, docs/SECURITY.md).
    "0012_demo_organizations": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("organizations")
          .addColumn("demo", "integer", (c) => c.notNull().defaultTo(0).check(sql`demo IN (0, 1)`))
          .execute();
        if (dialect === "sqlite") {
          await sql`CREATE TRIGGER organizations_demo_fixed BEFORE UPDATE OF demo ON organizations WHEN NEW.demo IS NOT OLD.demo
            BEGIN SELECT RAISE(ABORT, 'organizations.demo is set when an organization is created, never changed'); END`.execute(db);
          return;
        }
        await sql`CREATE FUNCTION orgtrail_org_demo_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'organizations.demo is set when an organization is created, never changed'; END $$`.execute(db);
        await sql`CREATE TRIGGER organizations_demo_fixed BEFORE UPDATE OF demo ON organizations FOR EACH ROW
          WHEN (NEW.demo IS DISTINCT FROM OLD.demo) EXECUTE FUNCTION orgtrail_org_demo_fixed()`.execute(db);
      },
    },
    // `orgtrail demo --remove` (lib/demo/remove.ts, docs/SECURITY.md): the append-only triggers
    // of events, event_purges and checkpoints let rows of a demo organization be deleted, and
    // nothing else changes; every removal leaves an append-only record in demo_removals. On
    // PostgreSQL the application role deletes only through orgtrail_remove_demo_org (SECURITY
    // DEFINER), which refuses any organization not created as a demo. Frozen SQL: the 0001
    // conditions are written out again here (retention floor 2192 days = 189388800000 ms).
    "0013_demo_removal": {
      async up(db: Kysely<unknown>) {
        const big = dialect === "postgres" ? "bigint" : "integer";
        await db.schema
          .createTable("demo_removals")
          .addColumn("org_id", "integer", (c) => c.primaryKey())
          .addColumn("slug", "text", (c) => c.notNull())
          .addColumn("last_seq", big, (c) => c.notNull())
          .addColumn("chain_head", "text", (c) => c.notNull())
          .addColumn("removed_at", big, (c) => c.notNull())
          .execute();
        if (dialect === "sqlite") {
          await sql`DROP TRIGGER events_no_delete`.execute(db);
          await sql`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            WHEN (NOT EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
                OR max(OLD.ts, OLD.ingested_at) >= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 189388800000)
              AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = OLD.org_id AND o.demo = 1)
            BEGIN SELECT RAISE(ABORT, 'events are append-only (only a recorded retention purge may delete)'); END`.execute(db);
          for (const table of ["event_purges", "checkpoints"]) {
            await sql`DROP TRIGGER ${sql.id(`${table}_no_delete`)}`.execute(db);
            await sql`CREATE TRIGGER ${sql.id(`${table}_no_delete`)} BEFORE DELETE ON ${sql.id(table)}
              WHEN NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = OLD.org_id AND o.demo = 1)
              BEGIN SELECT RAISE(ABORT, ${sql.lit(`${table} are append-only`)}); END`.execute(db);
          }
          await sql`CREATE TRIGGER demo_removals_no_update BEFORE UPDATE ON demo_removals BEGIN SELECT RAISE(ABORT, 'demo_removals are append-only'); END`.execute(db);
          await sql`CREATE TRIGGER demo_removals_no_delete BEFORE DELETE ON demo_removals BEGIN SELECT RAISE(ABORT, 'demo_removals are append-only'); END`.execute(db);
          return;
        }

        await sql`CREATE OR REPLACE FUNCTION orgtrail_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'DELETE' THEN
              IF EXISTS (SELECT 1 FROM organizations o WHERE o.id = OLD.org_id AND o.demo = 1) THEN
                RETURN OLD;
              END IF;
              IF EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
                AND greatest(OLD.ts, OLD.ingested_at) < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 189388800000::bigint THEN
                RETURN OLD;
              END IF;
            END IF;
            RAISE EXCEPTION 'events are append-only (only a recorded retention purge may delete)';
          END $$`.execute(db);
        await sql`CREATE OR REPLACE FUNCTION orgtrail_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('event_purges', 'checkpoints') THEN
              IF EXISTS (SELECT 1 FROM organizations o WHERE o.id = OLD.org_id AND o.demo = 1) THEN
                RETURN OLD;
              END IF;
            END IF;
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
          END $$`.execute(db);
        await sql`CREATE FUNCTION orgtrail_demo_removals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'demo_removals are append-only'; END $$`.execute(db);
        await sql`CREATE TRIGGER demo_removals_append_only BEFORE UPDATE OR DELETE ON demo_removals FOR EACH ROW EXECUTE FUNCTION orgtrail_demo_removals_append_only()`.execute(db);
        await sql`CREATE TRIGGER demo_removals_no_truncate BEFORE TRUNCATE ON demo_removals FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_demo_removals_append_only()`.execute(db);

        const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
        const schema = rows[0]!.schema;
        // Every table with an org_id column (this schema's, partitions through their parent),
        // so tables added later are emptied too; one still referenced by another waits a pass.
        await sql`CREATE FUNCTION orgtrail_remove_demo_org(p_org integer) RETURNS bigint
          LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${sql.id(schema)}, pg_temp AS $$
          DECLARE
            o record;
            t text;
            pending text[];
            failed text[];
            pass integer := 0;
          BEGIN
            SELECT id, slug, demo, last_seq, chain_head INTO o FROM organizations WHERE id = p_org FOR UPDATE;
            IF NOT FOUND THEN RAISE EXCEPTION 'no organization with id %', p_org; END IF;
            IF o.demo IS DISTINCT FROM 1 THEN
              RAISE EXCEPTION 'organization % was not created as a demo organization; its log is kept', o.slug;
            END IF;
            INSERT INTO demo_removals (org_id, slug, last_seq, chain_head, removed_at)
              VALUES (o.id, o.slug, o.last_seq, o.chain_head, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
            UPDATE accounts SET default_org_id = NULL WHERE default_org_id = p_org;
            SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), ARRAY[]::text[]) INTO pending
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = ${sql.lit(schema)} AND a.attname = 'org_id' AND NOT a.attisdropped
                AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                AND c.relname NOT IN ('organizations', 'demo_removals', 'data_versions');
            WHILE cardinality(pending) > 0 LOOP
              pass := pass + 1;
              IF pass > 10 THEN
                RAISE EXCEPTION 'cannot remove organization %: rows of % are still referenced', o.slug, pending;
              END IF;
              failed := ARRAY[]::text[];
              FOREACH t IN ARRAY pending LOOP
                BEGIN
                  EXECUTE format('DELETE FROM %I WHERE org_id = $1', t) USING p_org;
                EXCEPTION WHEN foreign_key_violation THEN
                  failed := failed || t;
                END;
              END LOOP;
              pending := failed;
            END LOOP;
            -- The users list's change counter is bumped at commit by deferred triggers: run them
            -- now, then drop the organization's counter with it.
            SET CONSTRAINTS ALL IMMEDIATE;
            DELETE FROM data_versions WHERE org_id = p_org;
            DELETE FROM organizations WHERE id = p_org;
            RETURN o.last_seq;
          END $$`.execute(db);
        await sql`REVOKE ALL ON FUNCTION orgtrail_remove_demo_org(integer) FROM PUBLIC`.execute(db);
        const app = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'orgtrail_app'`.execute(db);
        if (app.rows[0]!.n > 0) {
          await sql`GRANT EXECUTE ON FUNCTION orgtrail_remove_demo_org(integer) TO orgtrail_app`.execute(db);
          await sql`REVOKE UPDATE, DELETE, TRUNCATE ON demo_removals FROM orgtrail_app`.execute(db);
        }
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
