/**
 * The SQLite executor of the ingest plan (lib/ingest/plan-batch.ts): prepared statements of
 * better-sqlite3 in one synchronous IMMEDIATE transaction. The lookups the planner asks are
 * point reads of this transaction (index seeks); everything written is the plan's.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { NormalizedEvent } from "../audit/event";
import { lockOrgSqlite, setOrgHeadSqlite } from "../db/org-lock";
import type { KnownUser } from "./identity";
import { planEvents, type ChainHash } from "./plan-batch";
import { planQuarantine } from "./quarantine-plan";
import { planRollups } from "./rollup-plan";
import { RECENT_RECOUNT, StepClock, type BatchExtras, type BatchResult, type WriteProfile, type WriteStep } from "./write-plan";
import { nextChain } from "../trust/chain";

interface Statements {
  latest: BetterSqlite3.Statement<[number], number | null>;
  isStored: BetterSqlite3.Statement<[number, number, string], unknown>;
  userById: BetterSqlite3.Statement<[number, string], KnownUser>;
  userByEmail: BetterSqlite3.Statement<[number, string], KnownUser>;
  dayExists: BetterSqlite3.Statement<[number, number, number], unknown>;
  weekHad: BetterSqlite3.Statement<[number, number, number, number], unknown>;
  insertUser: BetterSqlite3.Statement<unknown[]>;
  updateUser: BetterSqlite3.Statement<unknown[]>;
  insertEvent: BetterSqlite3.Statement<unknown[]>;
  insertDay: BetterSqlite3.Statement<unknown[]>;
  growDay: BetterSqlite3.Statement<unknown[]>;
  upsertUser: BetterSqlite3.Statement<unknown[]>;
  upsertBlock: BetterSqlite3.Statement<unknown[]>;
  recount: BetterSqlite3.Statement<[number, number]>;
  upsertDayTotal: BetterSqlite3.Statement<unknown[]>;
  upsertWeekTotal: BetterSqlite3.Statement<unknown[]>;
  insertLifecycle: BetterSqlite3.Statement<unknown[]>;
  keptOn: BetterSqlite3.Statement<[number, string, number], { kept: number }>;
  held: BetterSqlite3.Statement<[number], { n: number }>;
  quarantine: BetterSqlite3.Statement<unknown[]>;
  quarantineDay: BetterSqlite3.Statement<unknown[]>;
  unquarantine: BetterSqlite3.Statement<[number, number]>;
  requarantine: BetterSqlite3.Statement<[string, number, number]>;
}

const cache = new WeakMap<BetterSqlite3.Database, Statements>();

const USER_COLUMNS = "id, external_id, email_key, first_seen_at, first_invited_at";

function statements(db: BetterSqlite3.Database): Statements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    // One seek of the index (org_id, ts, seq).
    latest: db.prepare<[number], number | null>("SELECT max(ts) FROM events WHERE org_id = ?").pluck(),
    // Covered by the unique index (org_id, ts, dedupe_key): an index seek.
    isStored: db.prepare("SELECT 1 FROM events WHERE org_id = ? AND ts = ? AND dedupe_key = ?").pluck(),
    userById: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE org_id = ? AND external_id = ?`),
    userByEmail: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE org_id = ? AND email_key = ?`),
    dayExists: db.prepare("SELECT 1 FROM user_day WHERE org_id = ? AND user_id = ? AND day = ?").pluck(),
    weekHad: db.prepare("SELECT 1 FROM user_day WHERE org_id = ? AND user_id = ? AND day >= ? AND day <= ? LIMIT 1").pluck(),
    insertUser: db.prepare(
      "INSERT INTO users (org_id, external_id, email, email_key, reports, runs, in_directory, first_seen_at, first_invited_at) VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?)",
    ),
    updateUser: db.prepare("UPDATE users SET external_id = ?, email = COALESCE(?, email), email_key = ?, first_seen_at = ?, first_invited_at = ? WHERE id = ?"),
    insertEvent: db.prepare(
      "INSERT INTO events (org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    insertDay: db.prepare("INSERT INTO user_day (org_id, user_id, day, events, first_ts, last_ts) VALUES (?, ?, ?, ?, ?, ?)"),
    growDay: db.prepare(
      "UPDATE user_day SET events = events + ?, first_ts = MIN(first_ts, ?), last_ts = MAX(last_ts, ?) WHERE org_id = ? AND user_id = ? AND day = ?",
    ),
    upsertBlock: db.prepare(
      `INSERT INTO user_block (org_id, block, user_id, first_day, last_day) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (org_id, block, user_id) DO UPDATE SET first_day = MIN(user_block.first_day, excluded.first_day), last_day = MAX(user_block.last_day, excluded.last_day)`,
    ),
    upsertUser: db.prepare(
      `INSERT INTO user_activity (org_id, user_id, days, early_days, first_day, last_day, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, user_id) DO UPDATE SET days = user_activity.days + excluded.days,
         early_days = user_activity.early_days + excluded.early_days,
         first_day = MIN(user_activity.first_day, excluded.first_day), last_day = MAX(user_activity.last_day, excluded.last_day),
         last_ts = MAX(user_activity.last_ts, excluded.last_ts)`,
    ),
    recount: db.prepare(`${RECENT_RECOUNT} WHERE org_id = ? AND user_id = ?`),
    upsertDayTotal: db.prepare(
      "INSERT INTO day_activity (org_id, day, users) VALUES (?, ?, ?) ON CONFLICT (org_id, day) DO UPDATE SET users = day_activity.users + excluded.users",
    ),
    upsertWeekTotal: db.prepare(
      "INSERT INTO week_activity (org_id, week, users) VALUES (?, ?, ?) ON CONFLICT (org_id, week) DO UPDATE SET users = week_activity.users + excluded.users",
    ),
    insertLifecycle: db.prepare("INSERT INTO user_lifecycle (org_id, user_id, seq, ts, action, entity_name) VALUES (?, ?, ?, ?, ?, ?)"),
    keptOn: db.prepare("SELECT kept FROM quarantine_days WHERE org_id = ? AND source = ? AND day = ?"),
    held: db.prepare("SELECT count(*) AS n FROM quarantine WHERE org_id = ?"),
    quarantine: db.prepare("INSERT INTO quarantine (org_id, received_at, source, origin, line, reason, raw, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    quarantineDay: db.prepare(
      `INSERT INTO quarantine_days (org_id, source, day, kept, dropped) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (org_id, source, day) DO UPDATE SET kept = quarantine_days.kept + excluded.kept, dropped = quarantine_days.dropped + excluded.dropped`,
    ),
    unquarantine: db.prepare("DELETE FROM quarantine WHERE org_id = ? AND id = ?"),
    requarantine: db.prepare("UPDATE quarantine SET reason = ? WHERE org_id = ? AND id = ?"),
  };
  cache.set(db, s);
  return s;
}

/** A per-call timer (wall) of a step inside the plan, or the function itself without a profile (the hot path then pays nothing). */
function timed<A extends unknown[], R>(profile: WriteProfile | undefined, step: WriteStep, fn: (...args: A) => R): (...args: A) => R {
  if (!profile) return fn;
  return (...args: A) => {
    const t = performance.now();
    try {
      return fn(...args);
    } finally {
      profile.wall[step] += performance.now() - t;
    }
  };
}

/** Appends a batch in one IMMEDIATE transaction (docs/INGEST.md). Synchronous. */
export function appendSqlite(db: BetterSqlite3.Database, orgId: number, batch: readonly NormalizedEvent[], extras: BatchExtras, now: number): BatchResult {
  const s = statements(db);
  const p = extras.profile;
  const clock = p ? new StepClock(p) : null;
  const result = db
    .transaction((): BatchResult => {
      clock?.lap("begin");
      const head = lockOrgSqlite(db, orgId);
      // Nothing stored is later than the organization's latest event: an event past it is not
      // stored (its dedupe key fixes its time) and a day past it has no user_day row. Audit
      // logs arrive in time order, so most of a batch is answered without reading the store.
      const latest = s.latest.get(orgId) ?? null;
      const latestDay = latest === null ? -Infinity : Math.floor(latest / 86_400_000);
      const hash: ChainHash = timed(p, "chain", nextChain);
      const plan = planEvents(
        { events: batch, head, now },
        {
          isStored: timed(p, "dedupeLookup", (key: string, ts: number) => latest !== null && ts <= latest && s.isStored.get(orgId, ts, key) !== undefined),
          byId: timed(p, "identityLookup", (id: string) => s.userById.get(orgId, id) ?? null),
          byEmail: timed(p, "identityLookup", (key: string) => s.userByEmail.get(orgId, key) ?? null),
        },
        hash,
      );
      const rollups = planRollups(plan.days, {
        userDayExists: timed(p, "rollupLookup", (user: number, day: number) => day <= latestDay && s.dayExists.get(orgId, user, day) !== undefined),
        weekHadDays: timed(p, "rollupLookup", (user: number, week: number) => week <= latestDay && s.weekHad.get(orgId, user, week, week + 6) !== undefined),
      });
      const quarantine = extras.quarantine
        ? planQuarantine(extras.quarantine.batch, extras.quarantine.limits, {
            keptOn: (source, day) => Number(s.keptOn.get(orgId, source, day)?.kept ?? 0),
            held: () => Number(s.held.get(orgId)!.n),
          })
        : null;
      clock?.lap("plan");

      // Users first: the events, days and lifecycle rows of new users need their ids.
      const created: number[] = new Array<number>(plan.newUsers.length);
      for (const u of plan.newUsers)
        created[-u.id - 1] = Number(s.insertUser.run(orgId, u.external_id, u.email, u.email_key, u.first_seen_at, u.first_invited_at).lastInsertRowid);
      const id = (ref: number) => (ref < 0 ? created[-ref - 1]! : ref);
      const idOrNull = (ref: number | null) => (ref === null ? null : ref < 0 ? created[-ref - 1]! : ref);
      for (const u of plan.userUpdates) s.updateUser.run(u.external_id, u.email ?? null, u.email_key, u.first_seen_at, u.first_invited_at, u.id);
      clock?.lap("users");

      for (const r of plan.rows) {
        s.insertEvent.run(
          orgId,
          r.seq,
          r.ts,
          r.action,
          idOrNull(r.actor_id),
          idOrNull(r.target_id),
          r.response_code,
          r.dedupe_key,
          r.body,
          r.extra,
          r.ingested_at,
          r.chain,
        );
      }
      clock?.lap("insertEvents");

      for (const d of rollups.userDays) {
        if (d.isNew) s.insertDay.run(orgId, id(d.user_id), d.day, d.events, d.first_ts, d.last_ts);
        else s.growDay.run(d.events, d.first_ts, d.last_ts, orgId, d.user_id, d.day);
      }
      for (const b of rollups.userBlocks) s.upsertBlock.run(orgId, b.block, id(b.user_id), b.first_day, b.last_day);
      for (const u of rollups.userActivity) s.upsertUser.run(orgId, id(u.user_id), u.days, u.early_days, u.first_day, u.last_day, u.last_ts);
      for (const user of rollups.recount) s.recount.run(orgId, id(user));
      for (const d of rollups.dayActivity) s.upsertDayTotal.run(orgId, d.day, d.users);
      for (const w of rollups.weekActivity) s.upsertWeekTotal.run(orgId, w.week, w.users);
      clock?.lap("rollups");

      for (const l of plan.lifecycle) s.insertLifecycle.run(orgId, id(l.user_id), l.seq, l.ts, l.action, l.entity_name);
      setOrgHeadSqlite(db, orgId, plan.head);
      if (quarantine) {
        for (const r of quarantine.rows)
          s.quarantine.run(orgId, r.received_at, r.source, r.origin, r.line, r.reason, Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength), r.bytes);
        if (quarantine.day) s.quarantineDay.run(orgId, quarantine.day.source, quarantine.day.day, quarantine.day.kept, quarantine.day.dropped);
      }
      if (extras.retried) {
        for (const qid of extras.retried.remove) s.unquarantine.run(orgId, qid);
        for (const r of extras.retried.reasons) s.requarantine.run(r.reason, orgId, r.id);
      }
      clock?.lap("other");
      return { accepted: plan.rows.length, duplicates: plan.duplicates, stored: plan.stored, quarantined: quarantine?.rows.length ?? 0 };
    })
    .immediate();
  if (p) {
    clock!.lap("commit");
    p.batches++;
    p.events += batch.length;
  }
  return result;
}
