// A store as the last release left it, opened by this version: every migration since then
// (0010 ... 0030) runs over tables that already hold an organization, an account, users,
// events with their hash chain, rollups and a signed checkpoint; nothing stored changes, the
// chain still verifies, the account's API key still works, the users list answers as before,
// and ingest goes on with dedupe across the upgrade. On both stores.
//
// The released schema is the frozen migrations up to LAST_RELEASED: compared on 2026-12-05 with
// the release's own migrations (commit ed65489, lib/db/migrations.ts), SQLite's sqlite_master
// and PostgreSQL's `pg_dump --schema-only` were identical. Its rows are written by this version
// into a fully migrated store, then copied, for the columns the release had, into a store
// migrated only that far (taken as what the release wrote there; a manual run with the
// release's own CLI on both stores, 2026-12-05, agreed: verify ok, dedupe exact across it).
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createAccount, verifyApiKey } from "@/lib/auth/accounts";
import { openStore, type Store } from "@/lib/db/client";
import { sqlitePath } from "@/lib/db/dialect";
import { migrations } from "@/lib/db/migrations";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { listListedUsers } from "@/lib/queries/list-users";
import { createCheckpoint } from "@/lib/trust/checkpoint";
import { verifyOrg } from "@/lib/trust/verify";
import { importUsers } from "@/lib/users/import-users";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

/** The last migration of the last release (stop 16, 2026-12-04). */
const LAST_RELEASED = "0005_sqlite_dedupe_by_time";
const kind = testStoreKind();
const AS_OF = "2026-02-28";

const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();

/** Logins, API-key creations and a failed request by 12 users over January 2026. */
function events(from: number, count: number): string {
  return (
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const event: Record<string, unknown> = {
        action: i % 7 === 0 ? "user:create_api_key" : "user:login",
        timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1_800_000).toISOString(),
        actor_email: `user${i % 12}@acme.test`,
        actor_ip: `10.0.${i % 3}.${i % 250}`,
      };
      if (i % 3 === 0) event.actor_user_id = `VXNlcjo${i % 12}`;
      if (i % 11 === 0) event.response_code = 403;
      return JSON.stringify(event);
    }).join("\n") + "\n"
  );
}

const USERS_CSV = [
  '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
  ...Array.from({ length: 10 }, (_, i) => `"User ${i}","user${i}","","member","user${i}@acme.test","team-${i % 3}","",${i},${i * 2},0,"Full"`),
].join("\n");

/** Any table, any column: the test copies tables by name. */
type Tables = Record<string, Record<string, unknown>>;
type AnyDb = Kysely<Tables>;

function rawDb(url: string): AnyDb {
  return kind === "sqlite"
    ? new Kysely<Tables>({ dialect: new SqliteDialect({ database: new BetterSqlite3(sqlitePath(url)) }) })
    : new Kysely<Tables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
}

async function tablesAndColumns(db: AnyDb): Promise<Map<string, string[]>> {
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView && !t.name.startsWith("orgtrail_migrations"));
  return new Map(tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
}

describe(`a store of the last release (through ${LAST_RELEASED}) opened by this version (${kind})`, () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it("runs every later migration over its rows: chain, key, users list and ingest as before", async () => {
    // 1. The rows: written by this version into a fully migrated store.
    const sourceUrl = await createTestDatabaseUrl();
    const source = await openStore(sourceUrl);
    stores.push(source);
    const orgId = await ensureOrg(source.db);
    const { apiKey } = await createAccount(source.db, "upgrader", ["default"], "admin");
    expect((await importUsers(source, orgId, USERS_CSV)).created).toBe(10);
    expect((await ingestNdjson(source, orgId, bytes(events(0, 400)), { deployment: "self-managed" })).accepted).toBe(400);
    await createCheckpoint(source, orgId);
    const listedBefore = await listListedUsers(source, orgId, { asOf: AS_OF, deployment: "self-managed" });
    expect(listedBefore.length).toBeGreaterThanOrEqual(12);

    // 2. The released store: migrated to LAST_RELEASED only, then the release's columns copied.
    const releasedUrl = await createTestDatabaseUrl();
    const released = rawDb(releasedUrl);
    const upTo = Object.fromEntries(Object.entries(migrations(kind)).filter(([name]) => name <= LAST_RELEASED));
    const migrated = await new Migrator({
      db: released,
      provider: { getMigrations: async () => upTo },
      migrationTableName: "orgtrail_migrations",
      migrationLockTableName: "orgtrail_migrations_lock",
    }).migrateToLatest();
    expect(migrated.error).toBeUndefined();
    const releasedTables = await tablesAndColumns(released);
    const sourceRaw = source.db as unknown as AnyDb;
    const sourceTables = await tablesAndColumns(sourceRaw);
    // The later migrations add tables and columns; none removes or renames one the release had.
    for (const [table, columns] of releasedTables) {
      expect(sourceTables.get(table), table).toBeDefined();
      expect(
        columns.filter((c) => !sourceTables.get(table)!.includes(c)),
        table,
      ).toEqual([]);
    }
    if (kind === "sqlite") await sql`PRAGMA foreign_keys = OFF`.execute(released);
    await released.transaction().execute(async (trx) => {
      // Loading, not appending: the append-only triggers and the foreign keys stay out of it.
      if (kind === "postgres") await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      for (const [table, columns] of releasedTables) {
        const rows = await sourceRaw.selectFrom(table).select(columns).execute();
        if (table === "events" && kind === "postgres") {
          // Partitions are made as events arrive (migration 0004's function), not by a migration.
          const ts = [...new Set(rows.map((r) => Number(r.ts)))];
          await sql`SELECT orgtrail_event_partitions(${sql.raw(`ARRAY[${ts.join(",")}]::bigint[]`)})`.execute(trx);
        }
        for (let i = 0; i < rows.length; i += 200)
          await trx
            .insertInto(table)
            .values(rows.slice(i, i + 200))
            .execute();
      }
    });
    if (kind === "postgres") {
      // Ids were copied as they were: the sequences continue after them, as in the release.
      for (const [table, columns] of releasedTables) {
        if (!columns.includes("id")) continue;
        await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${sql.table(table)}), false)`.execute(released);
      }
    }
    const digest = async (db: AnyDb) =>
      (await sql<{ d: string }>`SELECT count(*) || ':' || max(seq) || ':' || max(chain) AS d FROM events`.execute(db)).rows[0]!.d;
    const before = await digest(released);
    expect(before.startsWith("400:400:")).toBe(true);
    await released.destroy();

    // 3. This version opens it: every later migration runs over those rows.
    const upgraded = await openStore(releasedUrl);
    stores.push(upgraded);
    const executed = (await sql<{ name: string }>`SELECT name FROM orgtrail_migrations ORDER BY name`.execute(upgraded.db)).rows.map((r) => r.name);
    expect(executed).toEqual(Object.keys(migrations(kind)).sort());
    expect(executed.filter((n) => n > LAST_RELEASED).length).toBeGreaterThan(5);
    expect(await digest(upgraded.db as unknown as AnyDb)).toBe(before);
    const verified = await verifyOrg(upgraded, orgId);
    expect(verified.ok, JSON.stringify(verified)).toBe(true);
    expect(await verifyApiKey(upgraded.db, "upgrader", apiKey)).toMatchObject({ username: "upgrader" });
    expect(await listListedUsers(upgraded, orgId, { asOf: AS_OF, deployment: "self-managed" })).toEqual(listedBefore);

    // 4. Ingest goes on: the stored events are duplicates, new ones continue the chain.
    const again = await ingestNdjson(upgraded, orgId, bytes(events(0, 450)), { deployment: "self-managed" });
    expect(again).toMatchObject({ accepted: 50, duplicates: 400 });
    await createCheckpoint(upgraded, orgId);
    expect((await verifyOrg(upgraded, orgId)).ok).toBe(true);
  });
});
