import { sql, type Kysely, type Transaction } from "kysely";
import { isActiveResponse, type NormalizedEvent } from "../audit/event";
import { isLifecycleAction } from "../audit/schema";
import { dayNumber } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Database } from "../db/types";
import { appendBatchSqlite } from "./append-sqlite";
import { resolveIdentities } from "./identity";
import { upsertUserDaysKysely } from "./rollups";
import { chainRows } from "../trust/chain";

export interface BatchResult {
  accepted: number;
  duplicates: number;
  /** The events stored, in sequence order (for metrics and alerts). */
  stored: NormalizedEvent[];
}

const IN_CHUNK = 500;
const INSERT_CHUNK = 400;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Appends a batch in one transaction: dedupe, identities, events with contiguous sequence
 * numbers, the user_day rollup and the lifecycle rows. Nothing is visible until all of it is.
 */
export async function appendBatch(store: Store, orgId: number, batch: NormalizedEvent[]): Promise<BatchResult> {
  if (batch.length === 0) return { accepted: 0, duplicates: 0, stored: [] };
  const sqlite = store.sqlite;
  if (sqlite) {
    // Holding Kysely's (single) SQLite connection keeps its other queries out of this transaction.
    return store.db.connection().execute(async () => appendBatchSqlite(sqlite, orgId, batch));
  }
  return store.db.transaction().execute((trx) => appendInTransaction(trx, store, orgId, batch));
}

async function appendInTransaction(
  trx: Transaction<Database>,
  store: Store,
  orgId: number,
  batch: NormalizedEvent[],
): Promise<BatchResult> {
  // Taking the organization's row first serializes writers (a row lock on PostgreSQL, the
  // write lock on SQLite) so sequence numbers stay contiguous and dedupe sees every commit.
  const locked = await trx
    .updateTable("organizations")
    .set({ last_seq: sql`last_seq` })
    .where("id", "=", orgId)
    .returning(["last_seq", "chain_head"])
    .executeTakeFirstOrThrow();
  let seq = Number(locked.last_seq);

  const seen = new Set<string>();
  const unique: NormalizedEvent[] = [];
  for (const e of batch) {
    if (seen.has(e.dedupeKey)) continue;
    seen.add(e.dedupeKey);
    unique.push(e);
  }
  const existing = new Set<string>();
  for (const part of chunks([...seen], IN_CHUNK)) {
    const rows = await trx
      .selectFrom("events")
      .select("dedupe_key")
      .where("org_id", "=", orgId)
      .where("dedupe_key", "in", part)
      .execute();
    for (const r of rows) existing.add(r.dedupe_key);
  }
  const fresh = unique.filter((e) => !existing.has(e.dedupeKey));
  if (fresh.length === 0) return { accepted: 0, duplicates: batch.length, stored: [] };

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
  for (const part of chunks(eventRows, INSERT_CHUNK)) await trx.insertInto("events").values(part).execute();
  seq += fresh.length;

  await upsertUserDays(trx, store, orgId, eventRows);
  const lifecycle: Database["user_lifecycle"][] = [];
  fresh.forEach((e, i) => {
    const row = eventRows[i]!;
    if (row.target_id === null || !isLifecycleAction(e.action)) return;
    lifecycle.push({ org_id: orgId, user_id: row.target_id, seq: row.seq, ts: row.ts, action: e.action, entity_name: e.entityName });
  });
  for (const part of chunks(lifecycle, INSERT_CHUNK)) await trx.insertInto("user_lifecycle").values(part).execute();
  await updateFirstSeen(trx, eventRows);

  await trx.updateTable("organizations").set({ last_seq: seq, chain_head: head }).where("id", "=", orgId).execute();
  return { accepted: fresh.length, duplicates: batch.length - fresh.length, stored: fresh };
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
  const ids = [...seen.keys()];
  const current = new Map<number, { first_seen_at: number | null; first_invited_at: number | null }>();
  for (const part of chunks(ids, IN_CHUNK)) {
    const found = await trx.selectFrom("users").select(["id", "first_seen_at", "first_invited_at"]).where("id", "in", part).execute();
    for (const u of found) current.set(u.id, u);
  }
  for (const id of ids) {
    const cur = current.get(id);
    const s = seen.get(id)!;
    const inv = invited.get(id);
    const patch: { first_seen_at?: number; first_invited_at?: number } = {};
    if (cur?.first_seen_at == null || s < Number(cur.first_seen_at)) patch.first_seen_at = s;
    if (inv !== undefined && (cur?.first_invited_at == null || inv < Number(cur.first_invited_at))) patch.first_invited_at = inv;
    if (Object.keys(patch).length > 0) await trx.updateTable("users").set(patch).where("id", "=", id).execute();
  }
}
