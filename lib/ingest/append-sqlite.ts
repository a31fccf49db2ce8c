import type BetterSqlite3 from "better-sqlite3";
import { isActiveResponse, type NormalizedEvent } from "../audit/event";
import { isLifecycleAction } from "../audit/schema";
import { dayNumber } from "../audit/timestamp";
import type { BatchExtras, BatchResult } from "./append-batch";
import { writeQuarantineSqlite } from "./quarantine-write";
import { upsertUserDaysSqlite } from "./rollups";
import { nextChain } from "../trust/chain";

/**
 * The SQLite fast path of appendBatch: the same steps and the same rows as the Kysely path
 * (which PostgreSQL uses), with prepared statements in one synchronous IMMEDIATE transaction.
 */
interface Known {
  id: number;
  external_id: string | null;
  email_key: string | null;
}

interface Statements {
  lockOrg: BetterSqlite3.Statement<[number], { last_seq: number; chain_head: string }>;
  setSeq: BetterSqlite3.Statement<[number, string, number]>;
  userById: BetterSqlite3.Statement<[number, string], Known>;
  userByEmail: BetterSqlite3.Statement<[number, string], Known>;
  setEmail: BetterSqlite3.Statement<[string, string, number]>;
  setExternal: BetterSqlite3.Statement<[string, number]>;
  insertUser: BetterSqlite3.Statement<[number, string | null, string | null, string | null]>;
  insertEvent: BetterSqlite3.Statement<unknown[]>;
  insertLifecycle: BetterSqlite3.Statement<unknown[]>;
  firstSeen: BetterSqlite3.Statement<unknown[]>;
  firstInvited: BetterSqlite3.Statement<unknown[]>;
  unquarantine: BetterSqlite3.Statement<[number, number]>;
  requarantine: BetterSqlite3.Statement<[string, number, number]>;
}

const cache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    lockOrg: db.prepare("UPDATE organizations SET last_seq = last_seq WHERE id = ? RETURNING last_seq, chain_head"),
    setSeq: db.prepare("UPDATE organizations SET last_seq = ?, chain_head = ? WHERE id = ?"),
    userById: db.prepare("SELECT id, external_id, email_key FROM users WHERE org_id = ? AND external_id = ?"),
    userByEmail: db.prepare("SELECT id, external_id, email_key FROM users WHERE org_id = ? AND email_key = ?"),
    setEmail: db.prepare("UPDATE users SET email = ?, email_key = ? WHERE id = ?"),
    setExternal: db.prepare("UPDATE users SET external_id = ? WHERE id = ?"),
    insertUser: db.prepare(
      "INSERT INTO users (org_id, external_id, email, email_key, reports, runs, in_directory) VALUES (?, ?, ?, ?, 0, 0, 0)",
    ),
    insertEvent: db.prepare(
      "INSERT INTO events (org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, ts, dedupe_key) DO NOTHING",
    ),
    insertLifecycle: db.prepare(
      "INSERT INTO user_lifecycle (org_id, user_id, seq, ts, action, entity_name) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    firstSeen: db.prepare("UPDATE users SET first_seen_at = ? WHERE id = ? AND (first_seen_at IS NULL OR first_seen_at > ?)"),
    firstInvited: db.prepare("UPDATE users SET first_invited_at = ? WHERE id = ? AND (first_invited_at IS NULL OR first_invited_at > ?)"),
    unquarantine: db.prepare("DELETE FROM quarantine WHERE org_id = ? AND id = ?"),
    requarantine: db.prepare("UPDATE quarantine SET reason = ? WHERE org_id = ? AND id = ?"),
  };
  cache.set(db, s);
  return s;
}

export function appendBatchSqlite(db: BetterSqlite3.Database, orgId: number, batch: NormalizedEvent[], extras: BatchExtras = {}): BatchResult {
  const s = statements(db);
  const run = db.transaction((): BatchResult => {
    const result = appendEvents(db, s, orgId, batch);
    if (extras.quarantine) result.quarantined = writeQuarantineSqlite(db, orgId, extras.quarantine);
    if (extras.retried) {
      for (const id of extras.retried.remove) s.unquarantine.run(orgId, id);
      for (const r of extras.retried.reasons) s.requarantine.run(r.reason, orgId, r.id);
    }
    return result;
  });
  return run.immediate();
}

function appendEvents(db: BetterSqlite3.Database, s: Statements, orgId: number, batch: NormalizedEvent[]): BatchResult {
  {
    const locked = s.lockOrg.get(orgId)!;
    let seq = Number(locked.last_seq);
    let head = locked.chain_head;
    const fresh: NormalizedEvent[] = [];

    // Memoized per batch; one object per user so a learned id or email is seen by both maps.
    const known = new Map<number, Known>();
    const byId = new Map<string, Known | null>();
    const byEmail = new Map<string, Known | null>();
    const canonical = (row: Known | undefined): Known | null => {
      if (!row) return null;
      const cur = known.get(row.id);
      if (cur) return cur;
      known.set(row.id, row);
      return row;
    };
    const lookupId = (id: string) => {
      if (!byId.has(id)) byId.set(id, canonical(s.userById.get(orgId, id)));
      return byId.get(id)!;
    };
    const lookupEmail = (key: string) => {
      if (!byEmail.has(key)) byEmail.set(key, canonical(s.userByEmail.get(orgId, key)));
      return byEmail.get(key)!;
    };
    const resolve = (id: string | null, email: string | null): number | null => {
      const emailKey = email ? email.toLowerCase() : null;
      if (id !== null) {
        const u = lookupId(id);
        if (u) {
          if (emailKey !== null && u.email_key === null && !lookupEmail(emailKey)) {
            s.setEmail.run(email!, emailKey, u.id);
            u.email_key = emailKey;
            byEmail.set(emailKey, u);
          }
          return u.id;
        }
      }
      if (emailKey !== null) {
        const u = lookupEmail(emailKey);
        if (u) {
          if (id !== null && u.external_id === null) {
            s.setExternal.run(id, u.id);
            u.external_id = id;
            byId.set(id, u);
          }
          return u.id;
        }
      }
      if (id === null && emailKey === null) return null;
      const u: Known = { id: Number(s.insertUser.run(orgId, id, email, emailKey).lastInsertRowid), external_id: id, email_key: emailKey };
      known.set(u.id, u);
      if (id !== null) byId.set(id, u);
      if (emailKey !== null) byEmail.set(emailKey, u);
      return u.id;
    };

    const now = Date.now();
    // Keyed by user and day as one number, no string per event: days of years 0-9999 lie
    // within ±2^22 and user ids (rowids counted from 1) stay far below 2^29, so the key is
    // exact (< 2^53).
    const days = new Map<number, [number, number, number, number, number]>();
    const firstSeen = new Map<number, number>();
    const firstInvited = new Map<number, number>();
    const touch = (map: Map<number, number>, userId: number, ts: number) => {
      const cur = map.get(userId);
      if (cur === undefined || ts < cur) map.set(userId, ts);
    };
    for (const e of batch) {
      // A duplicate (stored before, or earlier in this batch) changes nothing and uses no
      // sequence number; identities are resolved first, which is idempotent.
      const actor = resolve(e.actorId, e.actorEmail);
      const target = resolve(e.targetId, e.targetEmail);
      const chain = nextChain(head, seq + 1, e.dedupeKey);
      if (s.insertEvent.run(orgId, seq + 1, e.tsMs, e.action, actor, target, e.responseCode, e.dedupeKey, e.body, e.extra, now, chain).changes === 0) continue;
      seq++;
      head = chain;
      fresh.push(e);
      if (actor !== null) {
        touch(firstSeen, actor, e.tsMs);
        if (isActiveResponse(e.responseCode)) {
          const day = dayNumber(e.tsMs);
          const key = actor * 8_388_608 + day + 4_194_304;
          const d = days.get(key);
          if (d) {
            d[2]++;
            if (e.tsMs < d[3]) d[3] = e.tsMs;
            if (e.tsMs > d[4]) d[4] = e.tsMs;
          } else days.set(key, [actor, day, 1, e.tsMs, e.tsMs]);
        }
      }
      if (target !== null) {
        touch(firstSeen, target, e.tsMs);
        if (isLifecycleAction(e.action)) {
          s.insertLifecycle.run(orgId, target, seq, e.tsMs, e.action, e.entityName);
          if (e.action === "user:create" || e.action === "team:invite_user") touch(firstInvited, target, e.tsMs);
        }
      }
    }
    upsertUserDaysSqlite(db, orgId, days.values());
    for (const [userId, ts] of firstSeen) s.firstSeen.run(ts, userId, ts);
    for (const [userId, ts] of firstInvited) s.firstInvited.run(ts, userId, ts);
    s.setSeq.run(seq, head, orgId);
    return { accepted: fresh.length, duplicates: batch.length - fresh.length, stored: fresh, quarantined: 0 };
  }
}
