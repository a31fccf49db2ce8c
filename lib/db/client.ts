import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import Cursor from "pg-cursor";
import { env } from "../env";
import { dialectOf, sqlitePath, type Dialect } from "./dialect";
import { migrateToLatest } from "./migrations";
import type { Database } from "./types";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  url: string;
  /** The raw better-sqlite3 handle (SQLite only), for the ingest fast path. */
  sqlite?: BetterSqlite3.Database;
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
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes as pg.CustomTypesConfig });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
    await migrateToLatest(db as Kysely<unknown>, dialect);
    return { db, dialect, url, close: () => db.destroy() };
  }
  const path = sqlitePath(url);
  let sqlite: BetterSqlite3.Database;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    sqlite = new BetterSqlite3(path);
    sqlite.pragma("journal_mode = WAL");
    // Fails now, not at the first ingest, when the file or its directory is read-only.
    sqlite.exec("BEGIN IMMEDIATE; ROLLBACK;");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the SQLite store ${path} for writing: ${reason} (check that the file and its directory are writable, or set ORGTRAIL_DATABASE_URL)`);
  }
  // FULL: a batch the API has acknowledged survives a power loss, not only a crash.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("foreign_keys = ON");
  // 128 MiB of page cache keeps the event indexes' hot pages in memory during large ingests.
  sqlite.pragma("cache_size = -131072");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>, dialect);
  return { db, dialect, url, sqlite, close: () => db.destroy() };
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
