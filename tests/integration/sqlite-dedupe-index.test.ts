// SQLite only: migration 0005 rebuilds the dedupe index as (org_id, ts, dedupe_key), so a
// batch's inserts land on neighbouring leaves (docs/PERFORMANCE.md, ingest). A store made
// before it is upgraded in place: no row changes, the index stays unique, and ingest still
// stores every event once.
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { sqlitePath } from "@/lib/db/dialect";
import { migrations } from "@/lib/db/migrations";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();
const logins = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ action: "user:login", timestamp: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), actor_email: `${tag}${i % 5}@acme.test` }),
  ).join("\n") + "\n";

describe.skipIf(testStoreKind() !== "sqlite")("the SQLite dedupe index leads with the event time (migration 0005)", () => {
  let url: string;
  let store: Store | undefined;
  beforeAll(async () => {
    url = await createTestDatabaseUrl();
    // A store as it was before 0005, with events ingested by the code of that time (same rows).
    const raw = new BetterSqlite3(sqlitePath(url));
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    const before = Object.fromEntries(Object.entries(migrations("sqlite")).filter(([name]) => name < "0005_sqlite_dedupe_by_time"));
    const old = await new Migrator({
      db,
      provider: { getMigrations: async () => before },
      migrationTableName: "orgtrail_migrations",
      migrationLockTableName: "orgtrail_migrations_lock",
    }).migrateToLatest();
    expect(old.error).toBeUndefined();
    const columns = raw.prepare("SELECT name FROM pragma_index_info('events_org_dedupe') ORDER BY seqno").pluck().all();
    expect(columns).toEqual(["org_id", "dedupe_key"]);
    await db.destroy();
  });
  afterAll(async () => store?.close());

  it("upgrades a store in place without changing a row, and keeps dedupe exact", async () => {
    // Events stored before the upgrade, through the old index's ON CONFLICT target.
    const raw = new BetterSqlite3(sqlitePath(url));
    raw.exec("INSERT INTO organizations (slug, name, created_at) VALUES ('default', 'Default', 0)");
    const insert = raw.prepare(
      "INSERT INTO events (org_id, seq, ts, action, dedupe_key, body, ingested_at, chain) VALUES (1, ?, ?, 'user:login', ?, ?, 0, ?) ON CONFLICT (org_id, dedupe_key) DO NOTHING",
    );
    for (let i = 1; i <= 50; i++)
      insert.run(i, 1_767_225_600_000 + i, `${"0".repeat(62)}${(i % 40).toString(16).padStart(2, "0")}`, `{"n":${i}}`, "c".repeat(64));
    const digest = () =>
      raw.prepare("SELECT count(*) AS n, group_concat(seq || ts || dedupe_key || body, ',') AS d FROM (SELECT * FROM events ORDER BY seq)").get();
    const was = digest();
    raw.close();

    store = await openStore(url);
    const sqlite = store.sqlite!;
    expect(sqlite.prepare("SELECT name FROM pragma_index_info('events_org_dedupe') ORDER BY seqno").pluck().all()).toEqual(["org_id", "ts", "dedupe_key"]);
    expect(sqlite.prepare("SELECT \"unique\" FROM pragma_index_list('events') WHERE name = 'events_org_dedupe'").pluck().get()).toBe(1);
    const check = new BetterSqlite3(sqlitePath(url), { readonly: true });
    expect(
      check.prepare("SELECT count(*) AS n, group_concat(seq || ts || dedupe_key || body, ',') AS d FROM (SELECT * FROM events ORDER BY seq)").get(),
    ).toEqual(was);
    check.close();
    // A second row with a stored (ts, dedupe key) is refused by the index itself.
    expect(() =>
      sqlite
        .prepare(
          "INSERT INTO events (org_id, seq, ts, action, dedupe_key, body, ingested_at, chain) SELECT org_id, seq + 1000, ts, action, dedupe_key, body, ingested_at, chain FROM events WHERE seq = 7",
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed/);
  });

  it("stores re-ingested events once, in one batch or across batches, with contiguous sequence numbers", async () => {
    const orgId = await ensureOrg(store!.db, "fresh");
    const data = logins(120, "a");
    const first = await ingestNdjson(store!, orgId, bytes(data), { deployment: "self-managed", batchSize: 7 });
    expect(first).toMatchObject({ accepted: 120, duplicates: 0 });
    const again = await ingestNdjson(store!, orgId, bytes(data + data), { deployment: "self-managed", batchSize: 50 });
    expect(again).toMatchObject({ accepted: 0, duplicates: 240 });
    // The same instant with another actor is another event.
    const other = await ingestNdjson(store!, orgId, bytes(logins(120, "b")), { deployment: "self-managed" });
    expect(other).toMatchObject({ accepted: 120, duplicates: 0 });
    const seqs = await store!.db.selectFrom("events").select("seq").where("org_id", "=", orgId).orderBy("seq").execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
  });

  it("plans the insert's conflict check as a seek on (org_id, ts, dedupe_key)", () => {
    const plan = store!.sqlite!.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM events WHERE org_id = ? AND ts = ? AND dedupe_key = ?").all(1, 0, "x") as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING COVERING INDEX events_org_dedupe \(org_id=\? AND ts=\? AND dedupe_key=\?\)/);
  });
});
