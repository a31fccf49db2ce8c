import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from "kysely";
import pg from "pg";
import Cursor from "pg-cursor";
import { env } from "../env";
import { dialectOf, sqlitePath, type Dialect } from "./dialect";
import { migrateToLatest } from "./migrations/index";
import { retryBusy, retryBusySync } from "./retry";
import type { Database } from "./types";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  url: string;
  /** The raw better-sqlite3 handle (SQLite only), for the ingest executor (lib/ingest/write-sqlite.ts). */
  sqlite?: BetterSqlite3.Database;
  /** The pool Kysely draws from (PostgreSQL only), for the ingest executor's COPY (lib/ingest/write-postgres.ts). */
  pg?: pg.Pool;
  close(): Promise<void>;
}

// int8 (bigint) and numeric results come back as strings by default; our values stay below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Opens the store named by the URL and runs its migrations. */
export async function openStore(url: string = env().ORGTRAIL_DATABASE_URL): Promise<Store> {
  const dialect = dialectOf(url);
  if (dialect === "postgres") {
    // A connection attempt to an unreachable server fails in 10 s (503) instead of hanging the request.
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, types: pgTypes as pg.CustomTypesConfig });
    // An idle client whose connection drops (PostgreSQL restarted, network cut) emits 'error' on
    // the pool; unhandled, that would end the process. The pool drops the client and reconnects.
    pool.on("error", (error) => console.error(`orgtrail: PostgreSQL connection lost (${error.message}); reconnecting on the next query`));
    // A client checked out when its connection drops emits 'error' on itself, not on the pool;
    // its query rejects on its own, so the event is only logged (unheard, it would end the process).
    pool.on("connect", (client) => client.on("error", (error) => console.error(`orgtrail: PostgreSQL connection lost (${error.message})`)));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
    await migrateToLatest(db as Kysely<unknown>, dialect);
    return { db, dialect, url, pg: pool, close: () => db.destroy() };
  }
  const path = sqlitePath(url);
  let sqlite: BetterSqlite3.Database;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    sqlite = new BetterSqlite3(path, { timeout: env().ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS });
    retryTransactionBegin(sqlite);
    sqlite.pragma("journal_mode = WAL");
    // Fails now, not at the first ingest, when the file or its directory is read-only
    // (another writer holding the lock is waited for, not reported as read-only).
    retryBusySync(() => sqlite.exec("BEGIN IMMEDIATE; ROLLBACK;"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot open the SQLite store ${path} for writing: ${reason} (check that the file and its directory are writable, or set ORGTRAIL_DATABASE_URL)`,
    );
  }
  // FULL: a batch the API has acknowledged survives a power loss, not only a crash.
  sqlite.pragma("synchronous = FULL");
  // A writer waits this long for another one's lock (default 10 s), then retries (lib/db/retry.ts).
  sqlite.pragma(`busy_timeout = ${env().ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS}`);
  sqlite.pragma("foreign_keys = ON");
  // 128 MiB of page cache keeps the event indexes' hot pages in memory during large ingests.
  sqlite.pragma("cache_size = -131072");
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
  sqliteHandles.set(db, sqlite);
  await migrateToLatest(db as Kysely<unknown>, dialect);
  return { db, dialect, url, sqlite, close: () => db.destroy() };
}

const sqliteHandles = new WeakMap<object, BetterSqlite3.Database>();

/**
 * The better-sqlite3 handle under a SQLite store's Kysely instance (undefined for PostgreSQL
 * and for a transaction), so that code given only `db` can write without waiting for the lock
 * (lib/db/write-if-free.ts).
 */
export function sqliteOf(db: object): BetterSqlite3.Database | undefined {
  return sqliteHandles.get(db);
}

/**
 * Kysely's SQLite transactions BEGIN IMMEDIATE: a deferred transaction that reads and then
 * writes fails at once with SQLITE_BUSY ("database is locked") when another connection has
 * written meanwhile, whatever busy_timeout says. Taking the write lock first waits instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(private readonly sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
  }

  // `connection` is one of acquireConnection's below: outside a transaction, it retries.
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  /**
   * A statement outside a transaction (autocommit) that finds the lock busy past busy_timeout
   * has changed nothing, so it is retried like a transaction's BEGIN. Inside a transaction
   * the lock is already held (BEGIN IMMEDIATE), so there is nothing to retry.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return {
      executeQuery: (query) => (this.sqlite.inTransaction ? connection.executeQuery(query) : retryBusy(() => connection.executeQuery(query))),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqlite);
  }
}

/** better-sqlite3 transactions on this handle retry their BEGIN (never their body) while the lock stays busy. */
function retryTransactionBegin(sqlite: BetterSqlite3.Database): void {
  const transaction = sqlite.transaction.bind(sqlite);
  type Fn = (...args: unknown[]) => unknown;
  sqlite.transaction = ((fn: Fn) => {
    let began = false;
    const tx = transaction((...args: unknown[]) => {
      began = true;
      return fn(...args);
    });
    const retrying =
      (variant: Fn): Fn =>
      (...args) => {
        return retryBusySync(
          () => {
            began = false;
            return variant(...args);
          },
          () => !began,
        );
      };
    return Object.assign(retrying(tx), {
      default: retrying(tx.default),
      deferred: retrying(tx.deferred),
      immediate: retrying(tx.immediate),
      exclusive: retrying(tx.exclusive),
      database: sqlite,
    });
  }) as BetterSqlite3.Database["transaction"];
}

const globalStore = globalThis as unknown as { __orgtrailStore?: Promise<Store> };

/** The process-wide store of the server (one pool / one SQLite handle). */
export function getStore(): Promise<Store> {
  if (!globalStore.__orgtrailStore) {
    globalStore.__orgtrailStore = openStore().catch((error: unknown) => {
      globalStore.__orgtrailStore = undefined;
      throw error;
    });
  }
  return globalStore.__orgtrailStore;
}
