// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/**
 * `orgtrail demo --remove` (lib/demo/remove.ts, docs/SECURITY.md): the append-only triggers
 * of events, event_purges and checkpoints let rows of a demo organization be deleted, and
 * nothing else changes; every removal leaves an append-only record in demo_removals. On
 * PostgreSQL the application role deletes only through orgtrail_remove_demo_org (SECURITY
 * DEFINER), which refuses any organization not created as a demo. Frozen SQL: the 0001
 * conditions are written out again here (retention floor 2192 days = 189388800000 ms).
 */
export function m0013DemoRemoval(dialect: "sqlite" | "postgres"): Migration {
  return {
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
        await sql`CREATE TRIGGER demo_removals_no_update BEFORE UPDATE ON demo_removals BEGIN SELECT RAISE(ABORT, 'demo_removals are append-only'); END`.execute(
          db,
        );
        await sql`CREATE TRIGGER demo_removals_no_delete BEFORE DELETE ON demo_removals BEGIN SELECT RAISE(ABORT, 'demo_removals are append-only'); END`.execute(
          db,
        );
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
      await sql`CREATE TRIGGER demo_removals_append_only BEFORE UPDATE OR DELETE ON demo_removals FOR EACH ROW EXECUTE FUNCTION orgtrail_demo_removals_append_only()`.execute(
        db,
      );
      await sql`CREATE TRIGGER demo_removals_no_truncate BEFORE TRUNCATE ON demo_removals FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_demo_removals_append_only()`.execute(
        db,
      );

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
  };
}
