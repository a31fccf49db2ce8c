import BetterSqlite3 from "better-sqlite3";
import { sql, type InferResult } from "kysely";
import type { Store } from "../db/client";
import { sqlitePath } from "../db/dialect";
import { env } from "../env";
import { auditLogPageQuery, type AuditLogPageRequest } from "./page-audit-logs";

/** Rows per page: ~1.2 MB at W&B-sized lines (~300 bytes); larger pages measured no faster. */
const PAGE = 4000;

type Range = Omit<AuditLogPageRequest, "after" | "max">;
type Position = { ts: number; seq: number };
type BytesPage = { bytes: Uint8Array; count: number; last: Position | null };

const encoder = new TextEncoder();

/** The export's own SQLite page cache: 2 MiB (the store's connection keeps 128 MiB, for ingest). */
const EXPORT_CACHE_KIB = 2048;

/**
 * The export fast path of `/admin/audit_logs` (NDJSON, no transform): the stored canonical
 * lines of [fromMs, toMs) matching the filters, oldest first, as one chunk of UTF-8 bytes per
 * keyset page (every line ends in "\n"). The database joins each page into one value, so there
 * is no per-row JavaScript value, no JSON parse or stringify; on SQLite the page arrives as a
 * Buffer (outside the JavaScript heap) that goes to the response as it is. Each page is one short
 * query, so no read transaction (nor, on PostgreSQL, pooled connection) is held while the client
 * reads, and the caller pulls the next page only when the client took the last: memory stays
 * flat whatever the window.
 */
export async function* streamAuditLogBytes(store: Store, r: Range, pageSize = PAGE): AsyncGenerator<Uint8Array> {
  const reader = store.sqlite ? openExportReader(store, store.sqlite) : null;
  try {
    let after: Position | null = null;
    for (;;) {
      const page: BytesPage = reader ? sqlitePage(reader, store, r, after, pageSize) : await postgresPage(store, r, after, pageSize);
      if (page.count === 0) return;
      yield page.bytes;
      if (page.count < pageSize || page.last === null) return;
      after = page.last;
    }
  } finally {
    if (reader !== null && reader !== store.sqlite) reader.close();
  }
}

/**
 * A read-only connection with a small page cache, for one export. Read through the store's
 * connection, an all-time export filled that connection's 128 MiB cache, so the server's peak
 * memory grew with the window (docs/PERFORMANCE.md); a one-pass read gains nothing from a big
 * cache. An in-memory store cannot be opened twice: its own connection is used.
 */
function openExportReader(store: Store, own: BetterSqlite3.Database): BetterSqlite3.Database {
  const path = sqlitePath(store.url);
  if (path === ":memory:") return own;
  const reader = new BetterSqlite3(path, { readonly: true, timeout: env().ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS });
  reader.pragma(`cache_size = -${EXPORT_CACHE_KIB}`);
  return reader;
}

/**
 * One SQLite page joined by group_concat, as a BLOB. SQLite promises group_concat's order only
 * with an ORDER BY in the call, and ordering the bodies there copies every page into a temporary
 * B-tree (as slow as reading the rows into JavaScript). So by default only the seq list is
 * ordered there (`ordered`, a few bytes a row), and compared with the order the rows arrived in
 * (`arrived`): equal, the bodies were joined in (ts, seq) order too, since one pass steps every
 * aggregate of the statement with the same row. `sortBodies` orders the bodies themselves.
 */
export function sqlitePageQuery(store: Store, r: Range, after: Position | null, size: number, sortBodies: boolean) {
  const page = auditLogPageQuery(store, r, after, size).as("page");
  const bodies = sortBodies ? sql`group_concat(page.body, char(10) ORDER BY page.ts, page.seq)` : sql`group_concat(page.body, char(10))`;
  return store.db
    .selectFrom(page)
    .select([
      sql<Uint8Array | null>`CAST(${bodies} || char(10) AS BLOB)`.as("bytes"),
      sql<number>`count(*)`.as("count"),
      sql<number | null>`max(page.ts)`.as("last_ts"),
      sql<string | null>`group_concat(page.seq, ',')`.as("arrived"),
      sql<string | null>`group_concat(page.seq, ',' ORDER BY page.ts, page.seq)`.as("ordered"),
    ]);
}

type SqlitePageRow = InferResult<ReturnType<typeof sqlitePageQuery>>[number];

function sqlitePage(reader: BetterSqlite3.Database, store: Store, r: Range, after: Position | null, size: number): BytesPage {
  const read = (sortBodies: boolean) => {
    const compiled = sqlitePageQuery(store, r, after, size, sortBodies).compile();
    return reader.prepare(compiled.sql).get(...compiled.parameters) as SqlitePageRow;
  };
  let row = read(false);
  if (row.arrived !== row.ordered) row = read(true);
  const count = Number(row.count);
  if (count === 0 || row.bytes === null || row.ordered === null || row.last_ts === null) return { bytes: new Uint8Array(0), count: 0, last: null };
  // The last seq of the page ends the ordered list; the last ts is the page's largest.
  const lastSeq = Number(row.ordered.slice(row.ordered.lastIndexOf(",") + 1));
  return { bytes: row.bytes, count, last: { ts: Number(row.last_ts), seq: lastSeq } };
}

async function postgresPage(store: Store, r: Range, after: Position | null, size: number): Promise<BytesPage> {
  const page = auditLogPageQuery(store, r, after, size).as("page");
  const row = await store.db
    .selectFrom(page)
    .select([
      sql<string | null>`string_agg(page.body, E'\\n' ORDER BY page.ts, page.seq)`.as("text"),
      sql<number>`count(*)`.as("count"),
      // The last position of the page: arrays compare element by element.
      sql<(string | number)[] | null>`max(ARRAY[page.ts, page.seq])`.as("last"),
    ])
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  if (count === 0 || row.text === null || row.last === null) return { bytes: new Uint8Array(0), count: 0, last: null };
  return { bytes: encoder.encode(row.text + "\n"), count, last: { ts: Number(row.last[0]), seq: Number(row.last[1]) } };
}
