/**
 * PostgreSQL: `events` partitioned by month (declarative, RANGE on `ts`, epoch milliseconds,
 * UTC months), docs/SCALING.md.
 *
 * - No DEFAULT partition. A default partition holding rows of a month blocks creating that
 *   month's partition later (PostgreSQL refuses while the default has rows in the range), so
 *   a default would end up holding every late month forever. Instead each month a batch
 *   needs is created before the batch's transaction (ensureEventPartitions), and an insert
 *   into a month without a partition fails loudly rather than landing somewhere unpruned.
 * - Partitions are created by `orgtrail_event_partitions`, SECURITY DEFINER, owned by the
 *   schema owner (whoever runs the migrations). The application role only EXECUTEs it: if the
 *   app role created a partition it would own it, and an owner may DELETE and TRUNCATE. The
 *   function revokes UPDATE, DELETE and TRUNCATE on each new partition from orgtrail_app (the
 *   schema's default privileges would grant them) and adds the TRUNCATE trigger to it: row
 *   triggers of the parent are cloned onto partitions, statement triggers are not, and a
 *   TRUNCATE of a partition does not fire the parent's.
 * - Race-safe between servers: a transaction-scoped advisory lock around the existence check
 *   and the CREATE, so two servers needing the same new month create it once.
 * - Keys: a primary key and unique indexes of a partitioned table must include the partition
 *   key. (org_id, dedupe_key) stays unique through UNIQUE (org_id, dedupe_key, ts) because the
 *   dedupe key is the SHA-256 of the canonical event, timestamp included
 *   (lib/audit/event.ts), so one key always comes with one ts; the duplicate is therefore in
 *   the same partition and the per-partition unique index sees it. (org_id, seq) stays unique
 *   through PRIMARY KEY (org_id, seq, ts) plus the organization row lock every append takes
 *   (sequence numbers are handed out under it, lib/ingest/append-batch.ts).
 */
import { sql, type Kysely } from "kysely";
import { outsideWindow, type PlausibleWindow } from "../audit/plausible";
import { plausibleWindow } from "../ingest/window";
import { APP_ROLE } from "../trust/schema";
import type { Store } from "./client";

const MONTH_LOCK = "orgtrail_event_partitions";

/** The first millisecond (UTC) of the month holding `ts`. */
export function monthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Migration 0004_pg_events_by_month: swaps `events` for a partitioned copy, in the migration's transaction. */
export async function partitionEventsByMonth(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const schema = sql.id(rows[0]!.schema);
  const app = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ${APP_ROLE}`.execute(db);
  const hasApp = app.rows[0]!.n > 0;

  await sql`ALTER TABLE events RENAME TO events_unpartitioned`.execute(db);
  // Index and constraint names are per schema: free them for the new table.
  await sql`ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pk TO events_unpartitioned_pk`.execute(db);
  await sql`ALTER INDEX events_org_dedupe RENAME TO events_unpartitioned_org_dedupe`.execute(db);
  await sql`ALTER INDEX events_org_ts RENAME TO events_unpartitioned_org_ts`.execute(db);

  await sql`CREATE TABLE events (
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
    ) PARTITION BY RANGE (ts)`.execute(db);
  // Unique per (org, dedupe key) because the key determines ts (see the header of this file).
  await sql`CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, dedupe_key, ts)`.execute(db);
  await sql`CREATE INDEX events_org_ts ON events (org_id, ts, seq)`.execute(db);
  // Sequence lookups (chain verification, purge ranges, the export cursor) by (org_id, seq)
  // are served by the primary key's leading columns in every partition.

  await sql`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION orgtrail_events_append_only()`.execute(db);
  await sql`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()`.execute(db);

  await sql`CREATE FUNCTION orgtrail_event_partitions(p_ts bigint[]) RETURNS integer
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
        PERFORM pg_advisory_xact_lock(hashtext(${sql.lit(MONTH_LOCK)}));
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'events'::regclass AND c.relname = part);
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%s) TO (%s)', part,
          (extract(epoch FROM m) * 1000)::bigint, (extract(epoch FROM m + interval '1 month') * 1000)::bigint);
        EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION orgtrail_events_append_only()', part);
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sql.lit(APP_ROLE)}) THEN
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', part, ${sql.lit(APP_ROLE)});
        END IF;
        created := created + 1;
      END LOOP;
      RETURN created;
    END $$`.execute(db);
  await sql`REVOKE ALL ON FUNCTION orgtrail_event_partitions(bigint[]) FROM PUBLIC`.execute(db);

  // The months the existing events need, then the events themselves, unchanged and in order.
  await sql`SELECT orgtrail_event_partitions(coalesce(array_agg(DISTINCT ts - ts % 86400000), '{}')) FROM events_unpartitioned`.execute(db);
  await sql`INSERT INTO events SELECT org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain
    FROM events_unpartitioned ORDER BY org_id, seq`.execute(db);
  const check = await sql<{ before: number; after: number }>`SELECT (SELECT count(*) FROM events_unpartitioned)::bigint AS before, (SELECT count(*) FROM events)::bigint AS after`.execute(db);
  if (Number(check.rows[0]!.before) !== Number(check.rows[0]!.after)) throw new Error("events were not all copied into the partitioned table");
  await sql`DROP TABLE events_unpartitioned`.execute(db);

  if (hasApp) {
    const a = sql.id(APP_ROLE);
    await sql`GRANT SELECT, INSERT ON events TO ${a}`.execute(db);
    await sql`REVOKE UPDATE, DELETE, TRUNCATE ON events FROM ${a}`.execute(db);
    await sql`GRANT EXECUTE ON FUNCTION orgtrail_event_partitions(bigint[]) TO ${a}`.execute(db);
  }
}

/** Months known to have a partition, per store (a process never drops partitions). */
const known = new WeakMap<Store, Set<number>>();

/**
 * Creates the monthly partitions the given timestamps need (PostgreSQL; a no-op elsewhere).
 * Call it outside the batch's transaction: creating a partition locks the parent briefly,
 * which must not be held for the whole append. Only months inside the plausible window
 * (docs/INGEST.md): ingest refuses other times before they get here, and this refuses them
 * again rather than create a partition for year 9999.
 */
export async function ensureEventPartitions(store: Store, timestamps: Iterable<number>): Promise<void> {
  if (store.dialect !== "postgres") return;
  let months = known.get(store);
  if (!months) known.set(store, (months = new Set()));
  const missing = new Set<number>();
  let window: PlausibleWindow | null = null;
  for (const ts of timestamps) {
    const m = monthStart(ts);
    if (months.has(m)) continue;
    window ??= plausibleWindow();
    const outside = outsideWindow(ts, window);
    if (outside !== null) throw new Error(`no partition is created outside the plausible window: ${outside}`);
    if (!months.has(m)) missing.add(m);
  }
  if (missing.size === 0) return;
  const list = [...missing];
  await sql`SELECT orgtrail_event_partitions(${list}::bigint[])`.execute(store.db);
  for (const m of list) months.add(m);
}
