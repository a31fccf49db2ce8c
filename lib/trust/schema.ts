import { sql, type Kysely } from "kysely";
import type { Dialect } from "../db/dialect";
import { GENESIS_CHAIN } from "./chain";

/** The retention floor (HIPAA: six years), in days; the database refuses a purge below it. */
export const MIN_RETENTION_DAYS = 2192;

/** The PostgreSQL role the server's login role should belong to (docs/SECURITY.md). */
export const APP_ROLE = "orgtrail_app";

/** Columns of the chain, added to tables created in migration 0001 (kept here beside the rest of it). */
export const CHAIN_DEFAULT = GENESIS_CHAIN;

/**
 * Trust schema, part of migration 0001: purge records, signed checkpoints, the triggers that
 * keep `events` append-only (a DELETE passes only for rows a recorded purge covers) and, on
 * PostgreSQL, the application role without UPDATE/DELETE/TRUNCATE on the evidence tables and
 * the SECURITY DEFINER purge function that enforces the retention floor in the database.
 */
export async function createTrustSchema(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pk = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("event_purges")
    .addColumn("org_id", "integer", (c) => c.notNull())
    .addColumn("up_to_seq", big, (c) => c.notNull())
    .addColumn("chain_head", "text", (c) => c.notNull())
    .addColumn("count", big, (c) => c.notNull())
    .addColumn("purged_at", big, (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("event_purges_pk", ["org_id", "up_to_seq"])
    .execute();
  await db.schema
    .createTable("checkpoints")
    .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn("org_id", "integer", (c) => c.notNull())
    .addColumn("from_seq", big, (c) => c.notNull())
    .addColumn("to_seq", big, (c) => c.notNull())
    .addColumn("prev_head", "text", (c) => c.notNull())
    .addColumn("head", "text", (c) => c.notNull())
    .addColumn("created_at", big, (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("checkpoints_org_to").on("checkpoints").columns(["org_id", "to_seq"]).execute();

  if (dialect === "sqlite") {
    await sql`CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`.execute(db);
    // A DELETE passes only for a row a recorded purge covers and older than the retention
    // floor by both its time and its ingest time (the database's clock, not the caller's).
    await sql`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN NOT EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
        OR max(OLD.ts, OLD.ingested_at) >= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - ${sql.lit(MIN_RETENTION_DAYS * 86_400_000)}
      BEGIN SELECT RAISE(ABORT, 'events are append-only (only a recorded retention purge may delete)'); END`.execute(db);
    for (const table of ["event_purges", "checkpoints"]) {
      await sql`CREATE TRIGGER ${sql.id(`${table}_no_update`)} BEFORE UPDATE ON ${sql.id(table)} BEGIN SELECT RAISE(ABORT, ${sql.lit(`${table} are append-only`)}); END`.execute(db);
      await sql`CREATE TRIGGER ${sql.id(`${table}_no_delete`)} BEFORE DELETE ON ${sql.id(table)} BEGIN SELECT RAISE(ABORT, ${sql.lit(`${table} are append-only`)}); END`.execute(db);
    }
    return;
  }

  await sql`CREATE FUNCTION orgtrail_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM event_purges p WHERE p.org_id = OLD.org_id AND p.up_to_seq >= OLD.seq)
        AND greatest(OLD.ts, OLD.ingested_at) < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${sql.lit(MIN_RETENTION_DAYS * 86_400_000)}::bigint THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'events are append-only (only a recorded retention purge may delete)';
    END $$`.execute(db);
  await sql`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION orgtrail_events_append_only()`.execute(db);
  await sql`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()`.execute(db);
  await sql`CREATE FUNCTION orgtrail_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`.execute(db);
  for (const table of ["event_purges", "checkpoints"]) {
    await sql`CREATE TRIGGER ${sql.id(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.id(table)} FOR EACH ROW EXECUTE FUNCTION orgtrail_evidence_append_only()`.execute(db);
    await sql`CREATE TRIGGER ${sql.id(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.id(table)} FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_evidence_append_only()`.execute(db);
  }

  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0]!.schema;
  // The only way events leave: a signed purge record, written and applied in one call that
  // re-checks the retention floor against the database's own clock. SECURITY DEFINER so the
  // application role can call it without holding DELETE on events.
  await sql`CREATE FUNCTION orgtrail_purge_events(p_org integer, p_up_to bigint, p_head text, p_count bigint,
      p_purged_at bigint, p_key_id text, p_signature text, p_retention_days integer)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${sql.id(schema)}, pg_temp AS $$
    DECLARE
      cutoff bigint;
      prev bigint;
      n bigint;
      too_new bigint;
      head text;
    BEGIN
      IF p_retention_days IS NULL OR p_retention_days < ${sql.lit(MIN_RETENTION_DAYS)} THEN
        RAISE EXCEPTION 'retention must be at least % days', ${sql.lit(MIN_RETENTION_DAYS)};
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
    END $$`.execute(db);
  await sql`REVOKE ALL ON FUNCTION orgtrail_purge_events(integer, bigint, text, bigint, bigint, text, text, integer) FROM PUBLIC`.execute(db);

  // The application role (NOLOGIN): the server connects as a LOGIN role that is a member of it.
  // Creating it needs CREATEROLE; without it the migration goes on and the DBA creates it.
  await sql.raw(`DO $do$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        BEGIN
          CREATE ROLE ${APP_ROLE} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'orgtrail: cannot create role ${APP_ROLE} (%); create it (CREATE ROLE ${APP_ROLE} NOLOGIN) and run the migrations again', SQLERRM;
    END $do$`).execute(db);
  const role = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${APP_ROLE}`.execute(db);
  if (role.rows[0]!.n === 0) return;
  const s = sql.id(schema);
  const app = sql.id(APP_ROLE);
  await sql`GRANT USAGE ON SCHEMA ${s} TO ${app}`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${app}`.execute(db);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${app}`.execute(db);
  // Tables created later (the rest of migration 0001, later migrations) get the same rights.
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`.execute(db);
  // The evidence: insert and read only. Events leave through orgtrail_purge_events alone.
  await sql`REVOKE UPDATE, DELETE, TRUNCATE ON events, event_purges, checkpoints FROM ${app}`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION orgtrail_purge_events(integer, bigint, text, bigint, bigint, text, text, integer) TO ${app}`.execute(db);
}
