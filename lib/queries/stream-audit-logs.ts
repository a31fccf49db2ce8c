import { sql } from "kysely";
import type { Store } from "../db/client";
import { auditLogPageQuery, type AuditLogPageRequest } from "./page-audit-logs";

/** Rows per page: ~1.2 MB of text at W&B-sized lines (~300 bytes). */
const PAGE = 4000;

type Position = { ts: number; seq: number };
type TextPage = { text: string; count: number; last: Position | null };

/**
 * The export fast path of `/admin/audit_logs` (NDJSON, no transform): the stored canonical
 * lines of [fromMs, toMs) matching the filters, oldest first, as text chunks of one keyset page
 * each (every line ends in "\n"). No row objects and no re-serializing: on SQLite the page is
 * read as arrays from a prepared statement, on PostgreSQL the server joins the page into one
 * string. Each page is one short query, so no connection or read transaction is held while
 * the client reads, and the caller pulls the next page only when the client took the last:
 * memory stays flat whatever the window.
 */
export async function* streamAuditLogText(store: Store, r: Omit<AuditLogPageRequest, "after" | "max">, pageSize = PAGE): AsyncGenerator<string> {
  let after: Position | null = null;
  for (;;) {
    const page: TextPage = store.sqlite ? sqlitePage(store, r, after, pageSize) : await postgresPage(store, r, after, pageSize);
    if (page.count === 0) return;
    yield page.text;
    if (page.count < pageSize || page.last === null) return;
    after = page.last;
  }
}

function sqlitePage(store: Store, r: Omit<AuditLogPageRequest, "after" | "max">, after: Position | null, size: number): TextPage {
  const compiled = auditLogPageQuery(store, r, after, size).compile();
  // Preparing per page costs microseconds against a ~1 MB page of text.
  const rows = store.sqlite!.prepare(compiled.sql).raw(true).all(...compiled.parameters) as [number | bigint, number | bigint, string][];
  let text = "";
  for (const row of rows) text += row[2] + "\n";
  const last = rows[rows.length - 1];
  return { text, count: rows.length, last: last ? { ts: Number(last[0]), seq: Number(last[1]) } : null };
}

async function postgresPage(store: Store, r: Omit<AuditLogPageRequest, "after" | "max">, after: Position | null, size: number): Promise<TextPage> {
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
  if (count === 0 || row.text === null || row.last === null) return { text: "", count: 0, last: null };
  return { text: row.text + "\n", count, last: { ts: Number(row.last[0]), seq: Number(row.last[1]) } };
}
