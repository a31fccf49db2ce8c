// PostgreSQL only: `events` partitioned by month (lib/db/pg-partitions.ts, docs/SCALING.md).
// The migration moves existing events unchanged; each month lands in its own partition;
// dedupe holds across partitions and servers; a 30-day audit-log query reads only the
// partitions of its window; two servers creating the same month race safely.
import { Kysely, Migrator, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { migrateToLatest, migrations } from "@/lib/db/migrations";
import { ensureOrg } from "@/lib/db/orgs";
import { ensureEventPartitions } from "@/lib/db/pg-partitions";
import type { Database } from "@/lib/db/types";
import { normalizeEvent } from "@/lib/audit/event";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { pageAuditLogs, type AuditLogRow } from "@/lib/queries/page-audit-logs";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const DAY = 86_400_000;
const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();
/** One login every `stepMs` from `fromIso`, `n` of them. */
const logins = (n: number, fromIso: string, stepMs: number, tag = "u") =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ action: "user:login", timestamp: new Date(Date.parse(fromIso) + i * stepMs).toISOString(), actor_email: `${tag}${i % 7}@acme.test` }),
  ).join("\n") + "\n";

async function partitionCounts(store: Store): Promise<Record<string, number>> {
  const { rows } = await sql<{
    part: string;
    n: number;
  }>`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM events GROUP BY 1 ORDER BY 1`.execute(store.db);
  return Object.fromEntries(rows.map((r) => [r.part, Number(r.n)]));
}

describe.skipIf(testStoreKind() !== "postgres")("events partitioned by month (PostgreSQL)", () => {
  let store: Store;
  let orgId: number;
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db);
  });
  afterAll(async () => store?.close());

  it("migration 0031: the dedupe index leads with the time, no foreign key is checked per event, dedupe stays exact", async () => {
    const own = await openStore(await createTestDatabaseUrl());
    const indexColumns = async () =>
      (await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'events' AND indexname = 'events_org_dedupe'`.execute(own.db))
        .rows[0]?.def;
    expect(await indexColumns()).toMatch(/UNIQUE INDEX events_org_dedupe ON ONLY public\.events USING btree \(org_id, ts, dedupe_key\)$/);
    const fks = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'f'`.execute(own.db);
    expect(Number(fks.rows[0]!.n)).toBe(0);
    // Dedupe across months and within a batch: every stored key found by its (time, key).
    try {
      const org = await ensureOrg(own.db);
      const lines = logins(300, "2026-01-30T00:00:00Z", 3_600_000, "d");
      const first = await ingestNdjson(own, org, bytes(lines), { deployment: "dedicated", batchSize: 70 });
      expect(first).toMatchObject({ accepted: 300, duplicates: 0 });
      const reversed = lines.trim().split("\n").reverse().join("\n") + "\n";
      const again = await ingestNdjson(own, org, bytes(reversed + logins(5, "2026-03-01T00:30:00Z", 60_000, "new")), {
        deployment: "dedicated",
        batchSize: 70,
      });
      expect(again).toMatchObject({ accepted: 5, duplicates: 300 });
    } finally {
      await own.close();
    }
  });

  it("migration 0004 moves existing events into monthly partitions without changing one", async () => {
    const url = await createTestDatabaseUrl();
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
    try {
      const all = migrations("postgres");
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < "0004_pg_events_by_month"));
      const old = await new Migrator({
        db,
        provider: { getMigrations: async () => before },
        migrationTableName: "orgtrail_migrations",
        migrationLockTableName: "orgtrail_migrations_lock",
      }).migrateToLatest();
      expect(old.error).toBeUndefined();
      await sql`INSERT INTO organizations (slug, name, created_at) VALUES ('a', 'a', 0), ('b', 'b', 0)`.execute(db);
      // 400 events of two organizations over ~14 months, with NULLs and extras.
      await sql`INSERT INTO events (org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain)
        SELECT 1 + g % 2, (g + 1) / 2, 1735689600000 + g * 93000000::bigint, 'user:login', NULLIF(g % 3, 0), NULL, 200 + g % 2,
          md5(g::text), '{"n":' || g || '}', CASE WHEN g % 5 = 0 THEN '{"x":1}' END, 1735689600000 + g, md5('c' || g)
        FROM generate_series(1, 400) AS g`.execute(db);
      const digest = async () =>
        (await sql<{ n: number; d: string }>`SELECT count(*)::int AS n, md5(string_agg(md5(e::text), '' ORDER BY org_id, seq)) AS d FROM events e`.execute(db))
          .rows[0]!;
      const was = await digest();
      expect(was.n).toBe(400);
      const months = (
        await sql<{ n: number }>`SELECT count(DISTINCT date_trunc('month', to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC'))::int AS n FROM events`.execute(db)
      ).rows[0]!.n;

      await migrateToLatest(db, "postgres");
      expect(await digest()).toEqual(was);
      const kind = await sql<{ relkind: string }>`SELECT relkind FROM pg_class WHERE oid = 'events'::regclass`.execute(db);
      expect(kind.rows[0]!.relkind).toBe("p");
      const parts = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'events'::regclass`.execute(db);
      expect(parts.rows[0]!.n).toBe(Number(months));
      expect(Number(months)).toBeGreaterThan(10);
      // Every row is in the partition named after its UTC month.
      const misplaced = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events
        WHERE tableoid::regclass::text <> 'events_' || to_char(to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY_MM')`.execute(db);
      expect(misplaced.rows[0]!.n).toBe(0);
      // Still append-only, and still unique per (org, dedupe key).
      await expect(sql`UPDATE events SET body = 'x' WHERE seq = 3`.execute(db)).rejects.toThrow(/append-only/);
      await expect(
        sql`INSERT INTO events (org_id, seq, ts, action, dedupe_key, body, ingested_at, chain)
        SELECT org_id, seq + 1000, ts, action, dedupe_key, body, ingested_at, chain FROM events WHERE org_id = 1 AND seq = 7`.execute(db),
      ).rejects.toThrow(/duplicate key/);
    } finally {
      await db.destroy();
    }
  });

  it("stores each month in its own partition, and re-ingesting stores nothing twice", async () => {
    // Dec 2024 .. Mar 2025, one event every 10 hours.
    const data = logins(250, "2024-12-20T00:00:00Z", 10 * 3_600_000);
    const first = await ingestNdjson(store, orgId, bytes(data), { deployment: "self-managed", batchSize: 40 });
    expect([first.accepted, first.duplicates]).toEqual([250, 0]);
    const expected: Record<string, number> = {};
    for (const line of data.trim().split("\n")) {
      const month = `events_${(JSON.parse(line) as { timestamp: string }).timestamp.slice(0, 7).replace("-", "_")}`;
      expected[month] = (expected[month] ?? 0) + 1;
    }
    expect(Object.keys(expected)).toEqual(["events_2024_12", "events_2025_01", "events_2025_02", "events_2025_03", "events_2025_04"]);
    const counts = await partitionCounts(store);
    expect(counts).toEqual(expected);

    // Again, on this server and on a second one (its own process cache of partitions), in
    // batches that straddle months, mixed with new events: only the new ones are stored.
    const again = await ingestNdjson(store, orgId, bytes(data), { deployment: "self-managed", batchSize: 33 });
    expect([again.accepted, again.duplicates]).toEqual([0, 250]);
    const other = await openStore(store.url);
    try {
      const mixed = data + logins(10, "2025-04-10T00:00:00Z", DAY, "new");
      const s = await ingestNdjson(other, orgId, bytes(mixed), { deployment: "self-managed", batchSize: 100 });
      expect([s.accepted, s.duplicates]).toEqual([10, 250]);
    } finally {
      await other.close();
    }
    expect(await partitionCounts(store)).toEqual({ ...counts, events_2025_04: counts.events_2025_04! + 10 });
    const seqs = await store.db.selectFrom("events").select("seq").where("org_id", "=", orgId).orderBy("seq").execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 260 }, (_, i) => i + 1));
  });

  it("relies on a dedupe key fixing its timestamp (so unique (org, key, ts) is unique (org, key))", () => {
    const base = { action: "user:login", actor_email: "a@acme.test" };
    const variants = ["2025-01-31T23:59:59Z", "2025-01-31T23:59:59.000Z", "2025-02-01T00:59:59+01:00", "2025-02-01T00:00:00Z", "2025-02-01T00:00:00.001Z"];
    const events = variants.map((timestamp) => {
      const r = normalizeEvent({ ...base, timestamp });
      if (!r.ok) throw new Error(`${timestamp} rejected`);
      return r.event;
    });
    for (const a of events) for (const b of events) if (a.dedupeKey === b.dedupeKey) expect(a.tsMs).toBe(b.tsMs);
    // The same instant written differently is one event; different instants are different ones.
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(new Set(events.map((e) => e.tsMs)).size);
  });

  it("answers a 30-day audit-log window from the partitions of that window only", async () => {
    // A year of events, one every 2 days (June 2025 .. May 2026).
    await ingestNdjson(store, orgId, bytes(logins(183, "2025-06-01T12:00:00Z", 2 * DAY, "year")), { deployment: "self-managed" });
    expect(Object.keys(await partitionCounts(store)).length).toBeGreaterThanOrEqual(12);

    // The route's own queries (lib/queries/page-audit-logs.ts), captured and explained.
    const captured: CompiledQuery[] = [];
    const pool = new pg.Pool({ connectionString: store.url });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === "query") captured.push(event.query);
      },
    });
    try {
      const logged: Store = { db, dialect: "postgres", url: store.url, close: () => db.destroy() };
      // 30 days across a month boundary: the whole window, then a page resumed after a cursor.
      const range = {
        orgId,
        fromMs: Date.parse("2025-10-20T00:00:00Z"),
        toMs: Date.parse("2025-11-19T00:00:00Z"),
        filters: { actions: null, actorEmail: null, actorUserId: null },
      };
      const rows: AuditLogRow[] = [];
      for await (const page of pageAuditLogs(logged, { ...range, after: null, max: Infinity })) rows.push(...page);
      expect(rows).toHaveLength(15);
      const resumed: AuditLogRow[] = [];
      for await (const page of pageAuditLogs(logged, { ...range, after: rows[4]!, max: 100 })) resumed.push(...page);
      expect(resumed).toEqual(rows.slice(5));
      expect(captured).toHaveLength(2);
      for (const q of captured) {
        const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (COSTS OFF) ${q.sql}`, q.parameters as unknown[]);
        const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
        const scanned = [...new Set(plan.match(/events_\d{4}_\d{2}/g) ?? [])].sort();
        expect(scanned, plan).toEqual(["events_2025_10", "events_2025_11"]);
      }
    } finally {
      await db.destroy();
    }
  });

  it("creates a new month once when two servers need it at the same time", async () => {
    const other = await openStore(store.url);
    try {
      const ts = [Date.parse("2019-07-15T00:00:00Z"), Date.parse("2019-08-02T00:00:00Z")];
      await Promise.all([0, 1, 2].flatMap(() => [ensureEventPartitions(store, ts), ensureEventPartitions(other, ts)]));
      const { rows } = await sql<{ relname: string }>`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass AND c.relname LIKE 'events_2019_%' ORDER BY 1`.execute(store.db);
      expect(rows.map((r) => r.relname)).toEqual(["events_2019_07", "events_2019_08"]);
      const s = await ingestNdjson(other, orgId, bytes(logins(3, "2019-07-31T23:00:00Z", 3_600_000, "race")), { deployment: "self-managed" });
      expect(s.accepted).toBe(3);
    } finally {
      await other.close();
    }
  });
});
