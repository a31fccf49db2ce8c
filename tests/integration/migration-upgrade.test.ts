// A store main released (migrated through 0029_integrity_checks, events written) opened by this
// version: the migrations since (the quarantine, PostgreSQL's dedupe index by time) run after
// main's (Kysely refuses a migration named before the last executed one), nothing stored
// changes, dedupe still finds every stored event, user_block is filled from user_day, ingest
// goes on and a refused line lands in the quarantine. On both stores.
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { blockOf } from "@/lib/activity/calendar";
import { openStore, type Store } from "@/lib/db/client";
import { sqlitePath } from "@/lib/db/dialect";
import { migrations } from "@/lib/db/migrations";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { verifyOrg } from "@/lib/trust/verify";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const LAST_ON_MAIN = "0029_integrity_checks";
const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();
const logins = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ action: "user:login", timestamp: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), actor_email: `${tag}${i % 5}@acme.test` }),
  ).join("\n") + "\n";

describe(`a store migrated through ${LAST_ON_MAIN} (${testStoreKind()})`, () => {
  let store: Store | undefined;
  afterAll(async () => store?.close());

  it("names every migration after the ones released before it", () => {
    const names = Object.keys(migrations(testStoreKind()));
    expect(names).toEqual([...names].sort());
    expect(names.filter((n) => n > LAST_ON_MAIN)).toEqual(["0030_quarantine", "0031_pg_events_dedupe_by_time", "0032_bulk_writers", "0033_user_blocks"]);
  });

  it("migrates to the quarantine without changing what is stored, and ingest goes on", async () => {
    const kind = testStoreKind();
    const url = await createTestDatabaseUrl();
    const db =
      kind === "sqlite"
        ? new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(sqlitePath(url)) }) })
        : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
    const released = Object.fromEntries(Object.entries(migrations(kind)).filter(([name]) => name <= LAST_ON_MAIN));
    const provider = { getMigrations: async () => released };
    const old = await new Migrator({
      db,
      provider,
      migrationTableName: "orgtrail_migrations",
      migrationLockTableName: "orgtrail_migrations_lock",
    }).migrateToLatest();
    expect(old.error).toBeUndefined();
    await db.destroy();

    // Events written before the upgrade (by this code on the old schema's tables).
    store = await openStore(url);
    const orgId = await ensureOrg(store.db);
    const first = await ingestNdjson(store, orgId, bytes(logins(40, "a")), { deployment: "dedicated" });
    expect(first.accepted).toBe(40);
    // ~110 days of logins of three users, across groups of 32 days.
    const spread = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        action: "user:login",
        timestamp: new Date(Date.UTC(2025, 8, 1) + i * 22 * 3_600_000).toISOString(),
        actor_email: `s${i % 3}@acme.test`,
      }),
    ).join("\n");
    expect((await ingestNdjson(store, orgId, bytes(spread), { deployment: "dedicated" })).accepted).toBe(120);
    await store.close();
    store = undefined;

    // Roll the store back to main's schema: no quarantine, bulk_writers or user_block tables, 0030–0033 not executed,
    // on PostgreSQL the dedupe index (org_id, dedupe_key, ts) and the foreign key of 0004.
    const back =
      kind === "sqlite"
        ? new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(sqlitePath(url)) }) })
        : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
    await sql`DROP TABLE user_block`.execute(back);
    await sql`DROP TABLE bulk_writers`.execute(back);
    await sql`DROP TABLE quarantine_days`.execute(back);
    await sql`DROP TABLE quarantine`.execute(back);
    await sql`DELETE FROM orgtrail_migrations WHERE name > ${LAST_ON_MAIN}`.execute(back);
    if (kind === "postgres") {
      await sql`DROP INDEX events_org_dedupe`.execute(back);
      await sql`CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, dedupe_key, ts)`.execute(back);
      await sql`ALTER TABLE events ADD FOREIGN KEY (org_id) REFERENCES organizations (id)`.execute(back);
    }
    const digest = async (on: Kysely<unknown>) =>
      (await sql<{ d: string }>`SELECT count(*) || ':' || max(seq) || ':' || max(chain) AS d FROM events`.execute(on)).rows[0]!.d;
    const before = await digest(back);
    await back.destroy();

    store = await openStore(url);
    const executed = await sql<{ name: string }>`SELECT name FROM orgtrail_migrations ORDER BY name`.execute(store.db);
    expect(executed.rows.map((r) => r.name).filter((n) => n > LAST_ON_MAIN)).toEqual([
      "0030_quarantine",
      "0031_pg_events_dedupe_by_time",
      "0032_bulk_writers",
      "0033_user_blocks",
    ]);
    // Each user's first and last active day of each group of 32 days, from the days stored before.
    const blocks = async () =>
      (await store!.db.selectFrom("user_block").selectAll().orderBy(["block", "user_id"]).execute()).map((b) =>
        [b.user_id, b.block, b.first_day, b.last_day].map(Number),
      );
    const expectedBlocks = async () => {
      const byKey = new Map<string, number[]>();
      for (const d of await store!.db.selectFrom("user_day").select(["user_id", "day"]).execute()) {
        const [user, day] = [Number(d.user_id), Number(d.day)];
        const cur = byKey.get(`${user}:${blockOf(day)}`);
        byKey.set(`${user}:${blockOf(day)}`, cur ? [user, blockOf(day), Math.min(cur[2]!, day), Math.max(cur[3]!, day)] : [user, blockOf(day), day, day]);
      }
      return [...byKey.values()].sort((a, b) => a[1]! - b[1]! || a[0]! - b[0]!);
    };
    expect((await blocks()).length).toBeGreaterThan(3);
    expect(await blocks()).toEqual(await expectedBlocks());
    expect(await digest(store.db as unknown as Kysely<unknown>)).toBe(before);
    const again = await ingestNdjson(store, orgId, bytes(logins(40, "a")), { deployment: "dedicated" });
    expect(again).toMatchObject({ accepted: 0, duplicates: 40 });

    const next = await ingestNdjson(store, orgId, bytes(logins(10, "b") + '{"action":"user:login","timestamp":"1901-01-01T00:00:00Z"}\n'), {
      deployment: "dedicated",
    });
    expect(next).toMatchObject({ accepted: 10, quarantined: 1, rejectedTotal: 1 });
    const kept = await sql<{ n: number }>`SELECT count(*) AS n FROM quarantine WHERE org_id = ${orgId}`.execute(store.db);
    expect(Number(kept.rows[0]!.n)).toBe(1);
    expect(await blocks()).toEqual(await expectedBlocks());
    expect((await verifyOrg(store, orgId)).ok).toBe(true);
  });
});
