import { sql } from "kysely";
import type { Store } from "../db/client";
import type { LogRow } from "../explorer/event-index";
import type { UserIdentity } from "../explorer/user-directory";

/**
 * The one place the explorer reads the event log from (docs/EXPLORER.md): the log's head, its
 * events in sequence order, and the stored lines of chosen events. A change of how events are
 * stored (issue 14) changes this module only; the index (lib/explorer) never sees a table.
 */

export interface LogHead {
  /** Highest sequence number of the organization (every append moves it, in its transaction). */
  lastSeq: number;
  /** Events at or below this sequence number were purged (retention); 0 when none were. */
  purgedUpTo: number;
  /** Change counter of the users tables (lib/db/data-version.ts), for the identity cache. */
  usersVersion: number;
}

/** One short query: what the index must catch up with before it answers. */
export async function readLogHead(store: Store, orgId: number): Promise<LogHead> {
  const row = await store.db
    .selectFrom("organizations as o")
    .select([
      "o.last_seq",
      sql<number | null>`(SELECT version FROM data_versions WHERE org_id = o.id)`.as("version"),
      (eb) => eb.selectFrom("event_purges as p").select((p) => p.fn.max("p.up_to_seq").as("m")).whereRef("p.org_id", "=", "o.id").as("purged"),
    ])
    .where("o.id", "=", orgId)
    .executeTakeFirst();
  if (!row) return { lastSeq: 0, purgedUpTo: 0, usersVersion: 0 };
  return { lastSeq: Number(row.last_seq), purgedUpTo: Number(row.purged ?? 0), usersVersion: Number(row.version ?? 0) };
}

/** Events with afterSeq < seq <= upToSeq, in sequence order, at most `limit`. */
export async function readLogRows(store: Store, orgId: number, afterSeq: number, upToSeq: number, limit: number): Promise<LogRow[]> {
  const rows = await store.db
    .selectFrom("events")
    .select(["seq", "ts", "action", "actor_id", "target_id", "response_code", "body", "extra"])
    .where("org_id", "=", orgId)
    .where("seq", ">", afterSeq)
    .where("seq", "<=", upToSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    ts: Number(r.ts),
    action: r.action,
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    targetId: r.target_id === null ? null : Number(r.target_id),
    responseCode: r.response_code === null ? null : Number(r.response_code),
    body: r.body,
    extra: r.extra,
  }));
}

const BODY_CHUNK = 1000;

/**
 * The stored lines (schema keys only) of the given events, by sequence number. Each event's
 * time bounds the lookup too: on PostgreSQL it prunes the month partitions to those involved.
 */
export async function readEventBodies(store: Store, orgId: number, events: readonly { seq: number; ts: number }[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < events.length; i += BODY_CHUNK) {
    const part = events.slice(i, i + BODY_CHUNK);
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const e of part) {
      if (e.ts < minTs) minTs = e.ts;
      if (e.ts > maxTs) maxTs = e.ts;
    }
    const rows = await store.db
      .selectFrom("events")
      .select(["seq", "body"])
      .where("org_id", "=", orgId)
      .where("seq", "in", part.map((e) => e.seq))
      .where("ts", ">=", minTs)
      .where("ts", "<=", maxTs)
      .execute();
    for (const r of rows) out.set(Number(r.seq), r.body);
  }
  return out;
}


/** Every user of the organization with the fields `actor:` / `user:` values are matched against (SPEC §4 identity). */
export async function readUserIdentities(store: Store, orgId: number): Promise<UserIdentity[]> {
  const rows = await store.db.selectFrom("users").select(["id", "email", "email_key", "external_id", "username"]).where("org_id", "=", orgId).execute();
  return rows.map((r) => ({ id: Number(r.id), email: r.email, emailKey: r.email_key, externalId: r.external_id, username: r.username }));
}

/** Organizations with events (the indexes built at start). */
export async function listOrgsWithEvents(store: Store): Promise<number[]> {
  const rows = await store.db.selectFrom("organizations").select("id").where("last_seq", ">", 0).orderBy("id").execute();
  return rows.map((r) => Number(r.id));
}

/** The users (actor_id, target_id) of stored events, by dedupe key (alert rules naming users). */
export async function readEventUsers(store: Store, orgId: number, events: readonly { ts: number; dedupeKey: string }[]): Promise<Map<string, { actorId: number | null; targetId: number | null }>> {
  const out = new Map<string, { actorId: number | null; targetId: number | null }>();
  for (let i = 0; i < events.length; i += BODY_CHUNK) {
    const part = events.slice(i, i + BODY_CHUNK);
    const rows = await store.db
      .selectFrom("events")
      .select(["dedupe_key", "actor_id", "target_id"])
      .where("org_id", "=", orgId)
      .where("ts", ">=", Math.min(...part.map((e) => e.ts)))
      .where("ts", "<=", Math.max(...part.map((e) => e.ts)))
      .where("dedupe_key", "in", part.map((e) => e.dedupeKey))
      .execute();
    for (const r of rows) out.set(r.dedupe_key, { actorId: r.actor_id === null ? null : Number(r.actor_id), targetId: r.target_id === null ? null : Number(r.target_id) });
  }
  return out;
}

/** Events of [fromMs, toMs] oldest first, at most `limit` (the count rules' sliding window). */
export async function readEventsBetween(store: Store, orgId: number, fromMs: number, toMs: number, limit: number): Promise<LogRow[]> {
  const rows = await store.db
    .selectFrom("events")
    .select(["seq", "ts", "action", "actor_id", "target_id", "response_code", "body", "extra"])
    .where("org_id", "=", orgId)
    .where("ts", ">=", fromMs)
    .where("ts", "<=", toMs)
    .orderBy("ts")
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    ts: Number(r.ts),
    action: r.action,
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    targetId: r.target_id === null ? null : Number(r.target_id),
    responseCode: r.response_code === null ? null : Number(r.response_code),
    body: r.body,
    extra: r.extra,
  }));
}
