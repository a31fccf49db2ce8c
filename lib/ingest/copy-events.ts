/**
 * PostgreSQL: a batch's events written with `COPY events (...) FROM STDIN` (text format)
 * instead of INSERT statements: one stream per batch, rows routed to their monthly partitions
 * by PostgreSQL, no parameters to bind, no plan (docs/SCALING.md, "Ingest on PostgreSQL").
 * COPY has no ON CONFLICT: nothing may conflict under the organization lock (the planner
 * removed every stored dedupe key), so a unique violation aborts the batch's transaction —
 * loudly, as the INSERT's row count check did.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { EventRow } from "./plan-batch";

const COLUMNS = "org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain";

/** COPY text format: backslash, newline, carriage return and tab escaped; `\N` is NULL. */
const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

const int = (n: number | null) => (n === null ? "\\N" : String(n));

/** The rows as COPY text, about 1 MiB per chunk. */
function* copyLines(orgId: number, rows: readonly EventRow[], id: (ref: number | null) => number | null): Generator<string> {
  const org = String(orgId);
  let chunk = "";
  for (const r of rows) {
    chunk += `${org}\t${r.seq}\t${r.ts}\t${copyText(r.action)}\t${int(id(r.actor_id))}\t${int(id(r.target_id))}\t${int(r.response_code)}\t${r.dedupe_key}\t${copyText(r.body)}\t${copyText(r.extra)}\t${r.ingested_at}\t${r.chain}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Writes the rows on the client's open transaction; resolves once PostgreSQL has taken them all. */
export async function copyEvents(client: pg.ClientBase, orgId: number, rows: readonly EventRow[], id: (ref: number | null) => number | null): Promise<void> {
  if (rows.length === 0) return;
  const stream = client.query(copyFrom(`COPY events (${COLUMNS}) FROM STDIN`));
  await pipeline(Readable.from(copyLines(orgId, rows, id)), stream);
  if (stream.rowCount !== rows.length) throw new Error(`COPY stored ${stream.rowCount} of ${rows.length} events`);
}
