import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import type { Store } from "../db/client";
import type { EventsTable } from "../db/types";
import { sqlitePath } from "../db/dialect";
import { env } from "../env";
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
      (eb) =>
        eb
          .selectFrom("event_purges as p")
          .select((p) => p.fn.max("p.up_to_seq").as("m"))
          .whereRef("p.org_id", "=", "o.id")
          .as("purged"),
    ])
    .where("o.id", "=", orgId)
    .executeTakeFirst();
  if (!row) return { lastSeq: 0, purgedUpTo: 0, usersVersion: 0 };
  return { lastSeq: Number(row.last_seq), purgedUpTo: Number(row.purged ?? 0), usersVersion: Number(row.version ?? 0) };
}

/** The reader's own SQLite page cache: 2 MiB (the store's connection keeps 128 MiB, for ingest). */
const READER_CACHE_KIB = 2048;

const LOG_ROWS_SQL =
  "SELECT seq, ts, action, actor_id, target_id, response_code, body, extra FROM events WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

/** From this many events on, SQLite reads through a connection of its own. */
const OWN_CONNECTION_FROM = 50_000;

type RawLogRow = [number, number, string, number | null, number | null, number | null, string, string | null];

/**
 * Events with afterSeq < seq <= upToSeq in sequence order, in chunks of `chunk`: the index's
 * build and catch-up. On SQLite through a read-only connection of its own with a small page
 * cache (read through the store's connection, a build of millions of events filled that
 * connection's 128 MiB cache for good) and rows as arrays, not objects.
 */
export async function* readLogChunks(store: Store, orgId: number, afterSeq: number, upToSeq: number, chunk: number): AsyncGenerator<LogRow[]> {
  const path = store.sqlite ? sqlitePath(store.url) : null;
  // A few events (a catch-up between requests) are read through the store's connection.
  if (path === null || path === ":memory:" || upToSeq - afterSeq <= OWN_CONNECTION_FROM) {
    let after = afterSeq;
    for (;;) {
      const rows = await readLogRows(store, orgId, after, upToSeq, chunk);
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1]!.seq;
      if (rows.length < chunk) return;
    }
  }
  const reader = new BetterSqlite3(path, { readonly: true, timeout: env().ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS });
  try {
    reader.pragma(`cache_size = -${READER_CACHE_KIB}`);
    const statement = reader.prepare(LOG_ROWS_SQL).raw(true);
    let after = afterSeq;
    for (;;) {
      const raw = statement.all(orgId, after, upToSeq, chunk) as RawLogRow[];
      if (raw.length === 0) return;
      const rows = raw.map((r): LogRow => ({
        seq: Number(r[0]),
        ts: Number(r[1]),
        action: r[2],
        actorId: r[3],
        targetId: r[4],
        responseCode: r[5],
        body: r[6],
        extra: r[7],
      }));
      yield rows;
      after = rows[rows.length - 1]!.seq;
      if (rows.length < chunk) return;
    }
  } finally {
    reader.close();
  }
}

const LOG_COLUMNS = ["seq", "ts", "action", "actor_id", "target_id", "response_code", "body", "extra"] as const;

/** A stored events row as the index reads it (Number(): PostgreSQL's bigints arrive as strings). */
function toLogRow(r: Pick<EventsTable, (typeof LOG_COLUMNS)[number]>): LogRow {
  return {
    seq: Number(r.seq),
    ts: Number(r.ts),
    action: r.action,
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    targetId: r.target_id === null ? null : Number(r.target_id),
    responseCode: r.response_code === null ? null : Number(r.response_code),
    body: r.body,
    extra: r.extra,
  };
}

/** Events with afterSeq < seq <= upToSeq, in sequence order, at most `limit`. */
export async function readLogRows(store: Store, orgId: number, afterSeq: number, upToSeq: number, limit: number): Promise<LogRow[]> {
  const rows = await store.db
    .selectFrom("events")
    .select(LOG_COLUMNS)
    .where("org_id", "=", orgId)
    .where("seq", ">", afterSeq)
    .where("seq", "<=", upToSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map(toLogRow);
}

const BODY_CHUNK = 1000;

/**
 * The stored lines (schema keys only) of the given events, by sequence number (the primary
 * key). On PostgreSQL the events' times bound the lookup too, which prunes the month partitions
 * to those involved; on SQLite such a bound would make the planner walk the time index instead.
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
      .where(
        "seq",
        "in",
        part.map((e) => e.seq),
      )
      .$if(store.dialect === "postgres", (qb) => qb.where("ts", ">=", minTs).where("ts", "<=", maxTs))
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
export async function readEventUsers(
  store: Store,
  orgId: number,
  events: readonly { ts: number; dedupeKey: string }[],
): Promise<Map<string, { actorId: number | null; targetId: number | null }>> {
  const out = new Map<string, { actorId: number | null; targetId: number | null }>();
  for (let i = 0; i < events.length; i += BODY_CHUNK) {
    const part = events.slice(i, i + BODY_CHUNK);
    const rows = await store.db
      .selectFrom("events")
      .select(["dedupe_key", "actor_id", "target_id"])
      .where("org_id", "=", orgId)
      .where("ts", ">=", Math.min(...part.map((e) => e.ts)))
      .where("ts", "<=", Math.max(...part.map((e) => e.ts)))
      .where(
        "dedupe_key",
        "in",
        part.map((e) => e.dedupeKey),
      )
      .execute();
    for (const r of rows)
      out.set(r.dedupe_key, { actorId: r.actor_id === null ? null : Number(r.actor_id), targetId: r.target_id === null ? null : Number(r.target_id) });
  }
  return out;
}

/** Events of [fromMs, toMs] oldest first, at most `limit` (the count rules' sliding window). */
export async function readEventsBetween(store: Store, orgId: number, fromMs: number, toMs: number, limit: number): Promise<LogRow[]> {
  const rows = await store.db
    .selectFrom("events")
    .select(LOG_COLUMNS)
    .where("org_id", "=", orgId)
    .where("ts", ">=", fromMs)
    .where("ts", "<=", toMs)
    .orderBy("ts")
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map(toLogRow);
}
