import { sql, type Kysely, type Transaction } from "kysely";
import { isActiveResponse, type NormalizedEvent } from "../audit/event";
import { isLifecycleAction } from "../audit/schema";
import { dayNumber } from "../audit/timestamp";
import type { Store } from "../db/client";
import { ensureEventPartitions, monthStart } from "../db/pg-partitions";
import type { Database } from "../db/types";
import { appendBatchSqlite } from "./append-sqlite";
import { resolveIdentities } from "./identity";
import { upsertUserDaysKysely } from "./rollups";
import { chainRows } from "../trust/chain";
import { writeQuarantineKysely, type QuarantineInput } from "./quarantine-write";

export interface BatchResult {
  accepted: number;
  duplicates: number;
  /** The events stored, in sequence order (for metrics and alerts). */
  stored: NormalizedEvent[];
  /** Refused lines kept in the quarantine (the others were past its bounds: only counted). */
  quarantined: number;
}

/** What a batch writes besides its events, in the same transaction. */
export interface BatchExtras {
  /** Refused lines of the batch's stretch of input, for the quarantine. */
  quarantine?: QuarantineInput;
  /** A quarantine retry: lines now stored or duplicates leave it, the others get their new reason. */
  retried?: QuarantineSettlement;
}

export interface QuarantineSettlement {
  remove: number[];
  reasons: { id: number; reason: string }[];
}

/** Rows per bulk statement (column arrays as parameters: no limit on parameters, only on message size). */
const BULK_CHUNK = 5000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Appends a batch in one transaction: dedupe, identities, events with contiguous sequence
 * numbers, the user_day rollup and the lifecycle rows. Nothing is visible until all of it is.
 */
export async function appendBatch(store: Store, orgId: number, batch: NormalizedEvent[], extras: BatchExtras = {}): Promise<BatchResult> {
  const hasExtras = (extras.quarantine?.batch.lines.length ?? 0) > 0 || extras.retried !== undefined;
  if (batch.length === 0 && !hasExtras) return { accepted: 0, duplicates: 0, stored: [], quarantined: 0 };
  const sqlite = store.sqlite;
  if (sqlite) {
    // Holding Kysely's (single) SQLite connection keeps its other queries out of this transaction.
    return store.db.connection().execute(async () => appendBatchSqlite(sqlite, orgId, batch, extras));
  }
  // PostgreSQL: the months of the batch get their partitions first, outside the transaction.
  await ensureEventPartitions(store, batch.map((e) => e.tsMs));
  return store.db.transaction().execute(async (trx) => {
    const result = await appendInTransaction(trx, store, orgId, batch);
    result.quarantined = extras.quarantine ? await writeQuarantineKysely(trx, orgId, extras.quarantine) : 0;
    if (extras.retried) await settleQuarantineKysely(trx, orgId, extras.retried);
    return result;
  });
}

async function settleQuarantineKysely(trx: Kysely<Database>, orgId: number, settled: QuarantineSettlement): Promise<void> {
  for (const part of chunks(settled.remove, BULK_CHUNK)) await trx.deleteFrom("quarantine").where("org_id", "=", orgId).where("id", "in", part).execute();
  for (const r of settled.reasons) await trx.updateTable("quarantine").set({ reason: r.reason }).where("org_id", "=", orgId).where("id", "=", r.id).execute();
}

async function appendInTransaction(
  trx: Transaction<Database>,
  store: Store,
  orgId: number,
  batch: NormalizedEvent[],
): Promise<BatchResult> {
  if (batch.length === 0) return { accepted: 0, duplicates: 0, stored: [], quarantined: 0 };
  // Taking the organization's row first serializes writers (a row lock on PostgreSQL) so
  // sequence numbers stay contiguous and dedupe sees every commit: with events partitioned
  // by month this lock is also what keeps (org_id, seq) unique (lib/db/pg-partitions.ts).
  const locked = await trx
    .updateTable("organizations")
    .set({ last_seq: sql`last_seq` })
    .where("id", "=", orgId)
    .returning(["last_seq", "chain_head"])
    .executeTakeFirstOrThrow();
  let seq = Number(locked.last_seq);

  // First occurrence wins within the batch.
  const seen = new Set<string>();
  const unique: NormalizedEvent[] = [];
  for (const e of batch) {
    if (seen.has(e.dedupeKey)) continue;
    seen.add(e.dedupeKey);
    unique.push(e);
  }
  // Already stored: one statement per month of the batch (usually one or two). A dedupe key
  // fixes its event's ts, so the month's range bounds the lookup to that month's partition;
  // a bare range also plans in ~2 ms where `ts = ANY(5,000 values)` took ~100-300 ms.
  const byMonth = new Map<number, string[]>();
  for (const e of unique) {
    const m = monthStart(e.tsMs);
    const keys = byMonth.get(m);
    if (keys) keys.push(e.dedupeKey);
    else byMonth.set(m, [e.dedupeKey]);
  }
  const existing = new Set<string>();
  for (const [m, keys] of byMonth) {
    const d = new Date(m);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    for (const part of chunks(keys, BULK_CHUNK)) {
      const { rows } = await sql<{ dedupe_key: string }>`SELECT dedupe_key FROM events
        WHERE org_id = ${orgId} AND dedupe_key = ANY(${part}::text[]) AND ts >= ${m} AND ts < ${next}`.execute(trx);
      for (const r of rows) existing.add(r.dedupe_key);
    }
  }
  const fresh = unique.filter((e) => !existing.has(e.dedupeKey));
  if (fresh.length === 0) return { accepted: 0, duplicates: batch.length, stored: [], quarantined: 0 };

  const ids = await resolveIdentities(trx, orgId, fresh);
  const now = Date.now();
  const eventRows = fresh.map((e, i) => ({
    org_id: orgId,
    seq: seq + 1 + i,
    ts: e.tsMs,
    action: e.action,
    actor_id: ids.actor[i] ?? null,
    target_id: ids.target[i] ?? null,
    response_code: e.responseCode,
    dedupe_key: e.dedupeKey,
    body: e.body,
    extra: e.extra,
    ingested_at: now,
    chain: "", // set by chainRows, in sequence order
  }));
  const head = chainRows(locked.chain_head, eventRows);
  // Bulk: one INSERT ... SELECT FROM unnest(...) per chunk (column arrays as parameters).
  // The conflict target is the partitioned table's unique (org_id, dedupe_key, ts); nothing
  // may conflict under the org lock, and a row skipped anyway would leave a hole in the
  // sequence, so a short count aborts the transaction.
  for (const part of chunks(eventRows, BULK_CHUNK)) {
    const col = <K extends keyof (typeof eventRows)[number]>(k: K) => part.map((r) => r[k]);
    const { rows } = await sql<{ n: number }>`WITH ins AS (
        INSERT INTO events (org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain)
        SELECT ${orgId}::integer, u.seq, u.ts, u.action, u.actor_id, u.target_id, u.response_code, u.dedupe_key, u.body, u.extra, ${now}::bigint, u.chain
        FROM unnest(${col("seq")}::bigint[], ${col("ts")}::bigint[], ${col("action")}::text[], ${col("actor_id")}::integer[],
          ${col("target_id")}::integer[], ${col("response_code")}::integer[], ${col("dedupe_key")}::text[], ${col("body")}::text[],
          ${col("extra")}::text[], ${col("chain")}::text[])
          AS u (seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, chain)
        ON CONFLICT (org_id, dedupe_key, ts) DO NOTHING RETURNING 1)
      SELECT count(*)::int AS n FROM ins`.execute(trx);
    if (Number(rows[0]!.n) !== part.length) throw new Error(`append: ${part.length - Number(rows[0]!.n)} events of the batch were already stored (concurrent writer without the org lock?)`);
  }
  seq += fresh.length;

  await upsertUserDays(trx, store, orgId, eventRows);
  const lifecycle: Database["user_lifecycle"][] = [];
  fresh.forEach((e, i) => {
    const row = eventRows[i]!;
    if (row.target_id === null || !isLifecycleAction(e.action)) return;
    lifecycle.push({ org_id: orgId, user_id: row.target_id, seq: row.seq, ts: row.ts, action: e.action, entity_name: e.entityName });
  });
  for (const part of chunks(lifecycle, BULK_CHUNK)) {
    const col = <K extends keyof Database["user_lifecycle"]>(k: K) => part.map((r) => r[k]);
    await sql`INSERT INTO user_lifecycle (org_id, user_id, seq, ts, action, entity_name)
      SELECT ${orgId}, * FROM unnest(${col("user_id")}::integer[], ${col("seq")}::bigint[], ${col("ts")}::bigint[], ${col("action")}::text[], ${col("entity_name")}::text[])`.execute(trx);
  }
  await updateFirstSeen(trx, eventRows);

  await trx.updateTable("organizations").set({ last_seq: seq, chain_head: head }).where("id", "=", orgId).execute();
  return { accepted: fresh.length, duplicates: batch.length - fresh.length, stored: fresh, quarantined: 0 };
}

async function upsertUserDays(
  trx: Kysely<Database>,
  store: Store,
  orgId: number,
  rows: { ts: number; actor_id: number | null; response_code: number | null }[],
): Promise<void> {
  const days = new Map<string, { user_id: number; day: number; events: number; first_ts: number; last_ts: number }>();
  for (const r of rows) {
    if (r.actor_id === null || !isActiveResponse(r.response_code)) continue;
    const day = dayNumber(r.ts);
    const key = `${r.actor_id}:${day}`;
    const cur = days.get(key);
    if (cur) {
      cur.events++;
      if (r.ts < cur.first_ts) cur.first_ts = r.ts;
      if (r.ts > cur.last_ts) cur.last_ts = r.ts;
    } else days.set(key, { user_id: r.actor_id, day, events: 1, first_ts: r.ts, last_ts: r.ts });
  }
  await upsertUserDaysKysely(trx, store.dialect, orgId, [...days.values()]);
}

/** Keeps users.first_seen_at / first_invited_at at the earliest event naming the user. */
async function updateFirstSeen(
  trx: Kysely<Database>,
  rows: { ts: number; action: string; actor_id: number | null; target_id: number | null }[],
): Promise<void> {
  const seen = new Map<number, number>();
  const invited = new Map<number, number>();
  for (const r of rows) {
    for (const id of [r.actor_id, r.target_id]) {
      if (id === null) continue;
      const cur = seen.get(id);
      if (cur === undefined || r.ts < cur) seen.set(id, r.ts);
    }
    if (r.target_id !== null && (r.action === "user:create" || r.action === "team:invite_user")) {
      const cur = invited.get(r.target_id);
      if (cur === undefined || r.ts < cur) invited.set(r.target_id, r.ts);
    }
  }
  // One statement: LEAST ignores NULLs, and only rows that change are written.
  const ids = [...seen.keys()];
  for (const part of chunks(ids, BULK_CHUNK)) {
    await sql`UPDATE users AS u
      SET first_seen_at = LEAST(u.first_seen_at, v.seen), first_invited_at = LEAST(u.first_invited_at, v.invited)
      FROM unnest(${part}::integer[], ${part.map((id) => seen.get(id)!)}::bigint[], ${part.map((id) => invited.get(id) ?? null)}::bigint[]) AS v (id, seen, invited)
      WHERE u.id = v.id AND (u.first_seen_at IS NULL OR v.seen < u.first_seen_at
        OR (v.invited IS NOT NULL AND (u.first_invited_at IS NULL OR v.invited < u.first_invited_at)))`.execute(trx);
  }
}
