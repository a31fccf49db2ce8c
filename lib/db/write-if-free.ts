// A SQLite write that never waits for another connection's write lock. better-sqlite3 waits for a
// busy lock (busy_timeout) inside the call, on the thread that made it: in the server that is the
// event loop, so one small write made while `orgtrail ingest` holds the lock for a batch (a
// second or more) stops every request until the batch commits (docs/PERFORMANCE.md, "Dashboard
// routes while a CLI ingest runs"). The server's own writes (the access log's aggregates, job
// leases and states, session touches) try now and, when the lock is taken, skip or try later.
import type BetterSqlite3 from "better-sqlite3";
import type { CompiledQuery, Kysely } from "kysely";
import { sqliteOf } from "./client";
import { isSqliteBusy } from "./retry";

/**
 * Runs one write statement at once if the write lock is free, and returns its rows (those of
 * RETURNING; none without it); returns null, having written nothing, when another connection
 * holds the lock (or this connection is inside a transaction that some other caller opened,
 * which the statement must not join). Synchronous from start to end, so no other statement of
 * this process runs with the changed busy_timeout.
 */
export function tryWrite<R = unknown>(sqlite: BetterSqlite3.Database, query: CompiledQuery<R>): R[] | null {
  if (sqlite.inTransaction) return null;
  const previous = Number(sqlite.pragma("busy_timeout", { simple: true }));
  sqlite.pragma("busy_timeout = 0");
  try {
    const statement = sqlite.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return statement.all(...parameters) as R[];
    statement.run(...parameters);
    return [];
  } catch (error) {
    if (isSqliteBusy(error)) return null;
    throw error;
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}

/** tryWrite without rows: true when written, false when the lock was taken. */
export function writeIfFree(sqlite: BetterSqlite3.Database, query: CompiledQuery): boolean {
  return tryWrite(sqlite, query) !== null;
}

/**
 * A write the server makes on its own (not one a user's write request asked for): on SQLite it
 * runs only if the write lock is free (tryWrite: rows, or null when taken); on PostgreSQL, whose
 * waits do not block the event loop, it simply runs. `db` is a store's (openStore), not a
 * transaction's.
 */
export async function executeIfFree<DB, R>(db: Kysely<DB>, query: { compile(): CompiledQuery<R> }): Promise<R[] | null> {
  const compiled = query.compile();
  const sqlite = sqliteOf(db);
  if (sqlite) return tryWrite(sqlite, compiled);
  return (await db.executeQuery(compiled)).rows;
}
