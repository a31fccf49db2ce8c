import { sql, type Expression, type SqlBool } from "kysely";
import type { AuditLogFilters } from "../audit/audit-log-params";
import type { Store } from "../db/client";
import type { Dialect } from "../db/dialect";

export interface AuditLogRow {
  ts: number;
  seq: number;
  body: string;
}

export interface AuditLogPageRequest {
  orgId: number;
  /** [fromMs, toMs) in epoch milliseconds. */
  fromMs: number;
  toMs: number;
  filters: AuditLogFilters;
  /** Resume strictly after this (ts, seq); null starts at fromMs. */
  after: { ts: number; seq: number } | null;
  /** Stop after this many rows (Infinity: the whole range). */
  max: number;
}

const CHUNK = 5000;

/** A text field of the stored event line (`body`), compared as text on both stores. */
function bodyField(dialect: Dialect, key: "actor_email" | "actor_user_id"): Expression<string | null> {
  return dialect === "postgres" ? sql<string | null>`(body::json ->> ${key})` : sql<string | null>`CAST(json_extract(body, ${`$.${key}`}) AS TEXT)`;
}

/**
 * Yields events of one organization in [fromMs, toMs) matching the filters, oldest first by
 * (ts, seq), in chunks. Keyset paging on the events_org_ts index: every chunk is one short
 * query, so no connection is held while a client reads, and memory stays flat. The order is
 * total (seq is unique per organization), so resuming after (ts, seq) never skips or repeats.
 */
export async function* pageAuditLogs(store: Store, r: AuditLogPageRequest): AsyncGenerator<AuditLogRow[]> {
  let after = r.after;
  let left = r.max;
  while (left > 0) {
    const size = Math.min(CHUNK, left);
    const rows = await auditLogPageQuery(store, r, after, size).execute();
    if (rows.length === 0) return;
    const out = rows.map((row) => ({ ts: Number(row.ts), seq: Number(row.seq), body: row.body }));
    yield out;
    left -= out.length;
    if (out.length < size) return;
    const last = out[out.length - 1]!;
    after = { ts: last.ts, seq: last.seq };
  }
}

/**
 * One keyset page: (ts, seq, body) of the events after `cursor` (or from fromMs) in the range
 * and matching the filters, oldest first, at most `size`. Shared by the row pages above and
 * the NDJSON text path (stream-audit-logs.ts), which runs it without row objects.
 */
export function auditLogPageQuery(store: Store, r: Omit<AuditLogPageRequest, "after" | "max">, cursor: AuditLogPageRequest["after"], size: number) {
  const { actions, actorEmail, actorUserId } = r.filters;
  return (
    store.db
      .selectFrom("events")
      .select(["ts", "seq", "body"])
      .where("org_id", "=", r.orgId)
      .where("ts", "<", r.toMs)
      // One lower bound only: given both `ts >= from` and the row value, SQLite seeks the index
      // by the first, and every page rescans the range from its start (quadratic; 19 s of CPU
      // for 1M events instead of 2). A cursor inside the range already implies ts >= from.
      .$if(cursor === null || cursor.ts < r.fromMs, (qb) => qb.where("ts", ">=", r.fromMs))
      .$if(cursor !== null && cursor.ts >= r.fromMs, (qb) => qb.where((eb) => eb(eb.refTuple("ts", "seq"), ">", eb.tuple(cursor!.ts, cursor!.seq))))
      // PostgreSQL partitions events by month: the row value prunes no partition, the bound it implies does.
      .$if(store.dialect === "postgres" && cursor !== null && cursor.ts >= r.fromMs, (qb) => qb.where("ts", ">=", cursor!.ts))
      .$if(actions !== null, (qb) => qb.where("action", "in", actions!))
      .$if(actorEmail !== null, (qb) => qb.where(sql<SqlBool>`lower(${bodyField(store.dialect, "actor_email")}) = ${actorEmail}`))
      .$if(actorUserId !== null, (qb) => qb.where(sql<SqlBool>`${bodyField(store.dialect, "actor_user_id")} = ${actorUserId}`))
      .orderBy("ts")
      .orderBy("seq")
      .limit(size)
  );
}
