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
  return dialect === "postgres"
    ? sql<string | null>`(body::json ->> ${key})`
    : sql<string | null>`CAST(json_extract(body, ${`$.${key}`}) AS TEXT)`;
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
  const { actions, actorEmail, actorUserId } = r.filters;
  while (left > 0) {
    const cursor = after;
    const size = Math.min(CHUNK, left);
    const rows = await store.db
      .selectFrom("events")
      .select(["ts", "seq", "body"])
      .where("org_id", "=", r.orgId)
      .where("ts", "<", r.toMs)
      .where("ts", ">=", r.fromMs)
      .$if(cursor !== null, (qb) => qb.where((eb) => eb(eb.refTuple("ts", "seq"), ">", eb.tuple(cursor!.ts, cursor!.seq))))
      .$if(actions !== null, (qb) => qb.where("action", "in", actions!))
      .$if(actorEmail !== null, (qb) => qb.where(sql<SqlBool>`lower(${bodyField(store.dialect, "actor_email")}) = ${actorEmail}`))
      .$if(actorUserId !== null, (qb) => qb.where(sql<SqlBool>`${bodyField(store.dialect, "actor_user_id")} = ${actorUserId}`))
      .orderBy("ts")
      .orderBy("seq")
      .limit(size)
      .execute();
    if (rows.length === 0) return;
    const out = rows.map((row) => ({ ts: Number(row.ts), seq: Number(row.seq), body: row.body }));
    yield out;
    left -= out.length;
    if (out.length < size) return;
    const last = out[out.length - 1]!;
    after = { ts: last.ts, seq: last.seq };
  }
}
