// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/** Swaps `events` for a table partitioned by month (declarative, RANGE on ts), with its indexes and triggers. */
const SWAP = [
  `ALTER TABLE events RENAME TO events_unpartitioned`,
  `ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pk TO events_unpartitioned_pk`,
  `ALTER INDEX events_org_dedupe RENAME TO events_unpartitioned_org_dedupe`,
  `ALTER INDEX events_org_ts RENAME TO events_unpartitioned_org_ts`,
  `CREATE TABLE events (
      org_id integer NOT NULL REFERENCES organizations (id),
      seq bigint NOT NULL,
      ts bigint NOT NULL,
      action text NOT NULL,
      actor_id integer,
      target_id integer,
      response_code integer,
      dedupe_key text NOT NULL,
      body text NOT NULL,
      extra text,
      ingested_at bigint NOT NULL,
      chain text NOT NULL,
      CONSTRAINT events_pk PRIMARY KEY (org_id, seq, ts)
    ) PARTITION BY RANGE (ts)`,
  `CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, dedupe_key, ts)`,
  `CREATE INDEX events_org_ts ON events (org_id, ts, seq)`,
  `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION orgtrail_events_append_only()`,
  `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()`,
];

/** Creates the monthly partitions timestamps need (`schema`: a quoted identifier; lib/db/pg-partitions.ts calls it at run time). */
const partitionFunction = (schema: string) =>
  `CREATE FUNCTION orgtrail_event_partitions(p_ts bigint[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${schema}, pg_temp AS $$
    DECLARE
      m timestamp;
      part text;
      created integer := 0;
    BEGIN
      FOR m IN SELECT DISTINCT date_trunc('month', to_timestamp(t / 1000.0) AT TIME ZONE 'UTC') FROM unnest(p_ts) AS t WHERE t IS NOT NULL LOOP
        part := 'events_' || to_char(m, 'YYYY_MM');
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'events'::regclass AND c.relname = part);
        PERFORM pg_advisory_xact_lock(hashtext('orgtrail_event_partitions'));
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'events'::regclass AND c.relname = part);
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%s) TO (%s)', part,
          (extract(epoch FROM m) * 1000)::bigint, (extract(epoch FROM m + interval '1 month') * 1000)::bigint);
        EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()', part);
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orgtrail_app') THEN
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', part, 'orgtrail_app');
        END IF;
        created := created + 1;
      END LOOP;
      RETURN created;
    END $$`;

const REVOKE_FUNCTION = [`REVOKE ALL ON FUNCTION orgtrail_event_partitions(bigint[]) FROM PUBLIC`];

/** The months the existing events need, then the events themselves, unchanged and in order. */
const MOVE = [
  `SELECT orgtrail_event_partitions(coalesce(array_agg(DISTINCT ts - ts % 86400000), '{}')) FROM events_unpartitioned`,
  `INSERT INTO events SELECT org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain
    FROM events_unpartitioned ORDER BY org_id, seq`,
];

const APP_GRANTS = [
  `GRANT SELECT, INSERT ON events TO "orgtrail_app"`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON events FROM "orgtrail_app"`,
  `GRANT EXECUTE ON FUNCTION orgtrail_event_partitions(bigint[]) TO "orgtrail_app"`,
];

/**
 * 0004_pg_events_by_month (PostgreSQL only): `events` partitioned by month, existing rows
 * moved in the migration's transaction (docs/SCALING.md, "Monthly partitions").
 */
export function m0004PgEventsByMonth(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
      const schema = quoteIdent(rows[0]!.schema);
      const app = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${"orgtrail_app"}`.execute(db);
      for (const statement of SWAP) await sql.raw(statement).execute(db);
      await sql.raw(partitionFunction(schema)).execute(db);
      for (const statement of [...REVOKE_FUNCTION, ...MOVE]) await sql.raw(statement).execute(db);
      const check = await sql<{
        before: number;
        after: number;
      }>`SELECT (SELECT count(*) FROM events_unpartitioned)::bigint AS before, (SELECT count(*) FROM events)::bigint AS after`.execute(db);
      if (Number(check.rows[0]!.before) !== Number(check.rows[0]!.after)) throw new Error("events were not all copied into the partitioned table");
      await sql.raw("DROP TABLE events_unpartitioned").execute(db);
      if (app.rows[0]!.n === 0) return;
      for (const statement of APP_GRANTS) await sql.raw(statement).execute(db);
    },
  };
}

/** A PostgreSQL identifier, quoted as Kysely's sql.id quoted it when this migration was released. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
