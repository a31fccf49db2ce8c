/**
 * A per-organization change counter for the tables the users list is built from (`users`,
 * `user_activity`, `user_lifecycle`, `user_day`), kept by triggers in the database itself so
 * that every writer bumps it: the server, the CLI, a second server, a script. Together with
 * `organizations.last_seq` (every appended event) it tells whether a cached answer is still
 * the answer (lib/queries/users-answer.ts).
 *
 * - SQLite: one row trigger per table and operation. Writers are serialized by SQLite, so the
 *   counter moves in the same transaction as the change it counts.
 * - PostgreSQL: deferred constraint triggers, i.e. run at commit after every other lock of
 *   the transaction is held (no lock-order deadlock between an import and an ingest), and at
 *   most once per organization and transaction (a transaction-local setting remembers it).
 *
 * A reader reads the counter before the data: a change committed in between makes the
 * answer newer than its key, never older, so a cached answer is never stale.
 */
import type BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type { Dialect } from "./dialect";
import type { Store } from "./client";

export const VERSIONED_TABLES = ["users", "user_activity", "user_lifecycle", "user_day"] as const;

/** Migration 0003: the `data_versions` table and its triggers. */
export async function createDataVersions(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const big = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("data_versions")
    .addColumn("org_id", "integer", (c) => c.primaryKey())
    .addColumn("version", big, (c) => c.notNull())
    .execute();
  if (dialect === "sqlite") {
    for (const table of VERSIONED_TABLES) {
      for (const [op, row] of [["INSERT", "NEW"], ["UPDATE", "NEW"], ["DELETE", "OLD"]] as const) {
        await sql`CREATE TRIGGER ${sql.id(`${table}_${op.toLowerCase()}_version`)} AFTER ${sql.raw(op)} ON ${sql.id(table)} BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (${sql.raw(row)}.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`.execute(db);
      }
    }
    return;
  }
  await sql`CREATE FUNCTION orgtrail_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE org integer;
    BEGIN
      IF TG_OP = 'DELETE' THEN org := OLD.org_id; ELSE org := NEW.org_id; END IF;
      IF current_setting('orgtrail.data_version_' || org, true) IS DISTINCT FROM '1' THEN
        INSERT INTO data_versions (org_id, version) VALUES (org, 1)
          ON CONFLICT (org_id) DO UPDATE SET version = data_versions.version + 1;
        PERFORM set_config('orgtrail.data_version_' || org, '1', true);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  for (const table of VERSIONED_TABLES) {
    await sql`CREATE CONSTRAINT TRIGGER ${sql.id(`${table}_data_version`)} AFTER INSERT OR UPDATE OR DELETE ON ${sql.id(table)}
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgtrail_bump_data_version()`.execute(db);
  }
}

const VERSION_SQL = "SELECT o.last_seq, v.version FROM organizations o LEFT JOIN data_versions v ON v.org_id = o.id WHERE o.id = ?";
const sqliteVersion = new WeakMap<object, BetterSqlite3.Statement<[number], unknown[]>>();

/**
 * What a cached answer of the organization depends on: its last event and its change
 * counter, as one string. On SQLite, read while holding Kysely's connection (as the users
 * list does) so an open transaction of another request is not seen.
 */
export async function readDataVersion(store: Store, orgId: number): Promise<string> {
  const sqlite = store.sqlite;
  if (sqlite) {
    let stmt = sqliteVersion.get(sqlite);
    if (!stmt) {
      stmt = sqlite.prepare<[number], unknown[]>(VERSION_SQL).raw(true);
      sqliteVersion.set(sqlite, stmt);
    }
    const prepared = stmt;
    const row = await store.db.connection().execute(async () => prepared.get(orgId));
    return row ? `${String(row[0])}.${String(row[1] ?? 0)}` : "none";
  }
  const { rows } = await sql<{ last_seq: string; version: string | null }>`SELECT o.last_seq, v.version
    FROM organizations o LEFT JOIN data_versions v ON v.org_id = o.id WHERE o.id = ${orgId}`.execute(store.db);
  const row = rows[0];
  return row ? `${row.last_seq}.${row.version ?? 0}` : "none";
}
