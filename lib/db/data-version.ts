/**
 * A per-organization change counter for the tables the users list is built from (`users`,
 * `user_activity`, `user_lifecycle`, `user_day`), kept by triggers in the database itself so
 * that every writer bumps it: the server, the CLI, a second server, a script. Together with
 * `organizations.last_seq` (every appended event) it tells whether a cached answer is still
 * the answer (lib/queries/users-answer.ts). The table and triggers are migration 0003's
 * (lib/db/migrations/0003-data-versions.ts).
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
import { sql } from "kysely";
import type { Store } from "./client";

const VERSION_SQL = `SELECT o.last_seq, v.version, (SELECT max(b.beat_at) FROM bulk_writers b WHERE b.org_id = o.id)
  FROM organizations o LEFT JOIN data_versions v ON v.org_id = o.id WHERE o.id = ?`;
const sqliteVersion = new WeakMap<object, BetterSqlite3.Statement<[number], unknown[]>>();

export interface DataState {
  /** What a cached answer of the organization depends on: its last event and its change counter, as one string. */
  version: string;
  /** The latest heartbeat of a bulk load of the organization (lib/db/bulk-writers.ts), or null. */
  bulkBeatAt: number | null;
}

/**
 * The organization's data version and whether a bulk load writes it, in one read. On SQLite,
 * read while holding Kysely's connection (as the users list does) so an open transaction of
 * another request is not seen.
 */
export async function readDataState(store: Store, orgId: number): Promise<DataState> {
  const sqlite = store.sqlite;
  let row: readonly unknown[] | undefined;
  if (sqlite) {
    let stmt = sqliteVersion.get(sqlite);
    if (!stmt) {
      stmt = sqlite.prepare<[number], unknown[]>(VERSION_SQL).raw(true);
      sqliteVersion.set(sqlite, stmt);
    }
    const prepared = stmt;
    row = await store.db.connection().execute(async () => prepared.get(orgId));
  } else {
    const { rows } = await sql<{ last_seq: string; version: string | null; beat_at: string | null }>`SELECT o.last_seq, v.version,
        (SELECT max(b.beat_at) FROM bulk_writers b WHERE b.org_id = o.id) AS beat_at
      FROM organizations o LEFT JOIN data_versions v ON v.org_id = o.id WHERE o.id = ${orgId}`.execute(store.db);
    const r = rows[0];
    row = r ? [r.last_seq, r.version, r.beat_at] : undefined;
  }
  if (!row) return { version: "none", bulkBeatAt: null };
  return { version: `${String(row[0])}.${String(row[1] ?? 0)}`, bulkBeatAt: row[2] === null || row[2] === undefined ? null : Number(row[2]) };
}
