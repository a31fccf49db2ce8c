// A SQLite write that never waits for another connection's write lock. better-sqlite3 waits for a
// busy lock (busy_timeout) inside the call, on the thread that made it: in the server that is the
// event loop, so one small write made while `orgtrail ingest` holds the lock for a batch (a
// second or more) stops every request until the batch commits (docs/PERFORMANCE.md, "Dashboard
// routes while a CLI ingest runs"). Writes that can wait (the access log's aggregates) try now
// and, when the lock is taken, again later.
import type BetterSqlite3 from "better-sqlite3";
import type { CompiledQuery } from "kysely";
import { isSqliteBusy } from "./retry";

/**
 * Runs one write statement at once if the write lock is free, and returns true; returns false,
 * having written nothing, when another connection holds it (or this connection is inside a
 * transaction that some other caller opened, which the statement must not join). Synchronous
 * from start to end, so no other statement of this process runs with the changed busy_timeout.
 */
export function writeIfFree(sqlite: BetterSqlite3.Database, query: CompiledQuery): boolean {
  if (sqlite.inTransaction) return false;
  const previous = Number(sqlite.pragma("busy_timeout", { simple: true }));
  sqlite.pragma("busy_timeout = 0");
  try {
    sqlite.prepare(query.sql).run(...(query.parameters as unknown[]));
    return true;
  } catch (error) {
    if (isSqliteBusy(error)) return false;
    throw error;
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}
