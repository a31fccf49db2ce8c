/**
 * The user_day rollup and the rollups built on it, written in the ingest transaction:
 *
 * - `user_day`: one row per user and UTC day with an active event;
 * - `user_activity`: per user, the number of user_day rows (and of those before the
 *   multi-tenant start), the first and last active day, the last active time, and the active
 *   days in the 7, 30 and 90 days ending on the last active day;
 * - `day_activity` / `week_activity`: per day / ISO week, the distinct users active in it.
 *
 * A user_day row is new when the upsert returns exactly the events this batch brought
 * (an existing row returns more); a user's week is new when all of the user's rows in that
 * week are new. The counts grow by the new rows only, so re-ingesting changes nothing.
 */
import type BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely, type RawBuilder } from "kysely";
import { activityStartDay, isoWeekStart } from "../activity/calendar";
import type { Dialect } from "../db/dialect";
import type { Database } from "../db/types";

/** One user's active events of one day in a batch. */
export interface DayRow {
  user_id: number;
  day: number;
  events: number;
  first_ts: number;
  last_ts: number;
}

/** The multi-tenant start (2025-05-08): days before it are counted apart as early days. */
const EARLY_BEFORE = activityStartDay("multi-tenant") as number;

interface UserDelta {
  days: number;
  early: number;
  first: number;
  last: number;
  lastTs: number;
}

class Deltas {
  readonly users = new Map<number, UserDelta>();
  readonly days = new Map<number, number>();
  /** New user_day rows per user and week: `${user}:${week}` → [user, week, rows]. */
  readonly weeks = new Map<string, [number, number, number]>();

  add(userId: number, day: number, lastTs: number, isNew: boolean): void {
    const added = isNew ? 1 : 0;
    const early = isNew && day < EARLY_BEFORE ? 1 : 0;
    const u = this.users.get(userId);
    if (u) {
      u.days += added;
      u.early += early;
      if (day < u.first) u.first = day;
      if (day > u.last) u.last = day;
      if (lastTs > u.lastTs) u.lastTs = lastTs;
    } else this.users.set(userId, { days: added, early, first: day, last: day, lastTs });
    if (!isNew) return;
    this.days.set(day, (this.days.get(day) ?? 0) + 1);
    const week = isoWeekStart(day);
    const key = `${userId}:${week}`;
    const w = this.weeks.get(key);
    if (w) w[2]++;
    else this.weeks.set(key, [userId, week, 1]);
  }

  /** Users with new rows (their recent-day counts change). */
  grown(): number[] {
    return [...this.users].filter(([, u]) => u.days > 0).map(([id]) => id);
  }
}

const DAY_UPSERT_SET = (least: string, greatest: string) => `events = user_day.events + excluded.events,
  first_ts = ${least}(user_day.first_ts, excluded.first_ts), last_ts = ${greatest}(user_day.last_ts, excluded.last_ts)`;
const USER_UPSERT_SET = (least: string, greatest: string) => `days = user_activity.days + excluded.days,
  early_days = user_activity.early_days + excluded.early_days,
  first_day = ${least}(user_activity.first_day, excluded.first_day), last_day = ${greatest}(user_activity.last_day, excluded.last_day),
  last_ts = ${greatest}(user_activity.last_ts, excluded.last_ts)`;
/** Recounts d7 / d30 / d90 of the users matched by the WHERE clause that follows. */
const RECENT_UPDATE = `UPDATE user_activity SET (d7, d30, d90) = (
  SELECT COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 7 THEN 1 ELSE 0 END), 0),
         COALESCE(SUM(CASE WHEN ud.day > user_activity.last_day - 30 THEN 1 ELSE 0 END), 0),
         COUNT(*)
  FROM user_day ud
  WHERE ud.org_id = user_activity.org_id AND ud.user_id = user_activity.user_id AND ud.day > user_activity.last_day - 90)`;

interface Statements {
  upsertDay: BetterSqlite3.Statement<unknown[], { events: number }>;
  upsertUser: BetterSqlite3.Statement<unknown[]>;
  recent: BetterSqlite3.Statement<unknown[]>;
  weekRows: BetterSqlite3.Statement<unknown[], { n: number }>;
  upsertDayTotal: BetterSqlite3.Statement<unknown[]>;
  upsertWeekTotal: BetterSqlite3.Statement<unknown[]>;
}

const cache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    upsertDay: db.prepare(
      `INSERT INTO user_day (org_id, user_id, day, events, first_ts, last_ts) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, user_id, day) DO UPDATE SET ${DAY_UPSERT_SET("MIN", "MAX")} RETURNING events`,
    ),
    upsertUser: db.prepare(
      `INSERT INTO user_activity (org_id, user_id, days, early_days, first_day, last_day, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org_id, user_id) DO UPDATE SET ${USER_UPSERT_SET("MIN", "MAX")}`,
    ),
    recent: db.prepare(`${RECENT_UPDATE} WHERE org_id = ? AND user_id = ?`),
    weekRows: db.prepare("SELECT COUNT(*) AS n FROM user_day WHERE org_id = ? AND user_id = ? AND day >= ? AND day <= ?"),
    upsertDayTotal: db.prepare(
      "INSERT INTO day_activity (org_id, day, users) VALUES (?, ?, ?) ON CONFLICT (org_id, day) DO UPDATE SET users = day_activity.users + excluded.users",
    ),
    upsertWeekTotal: db.prepare(
      "INSERT INTO week_activity (org_id, week, users) VALUES (?, ?, ?) ON CONFLICT (org_id, week) DO UPDATE SET users = week_activity.users + excluded.users",
    ),
  };
  cache.set(db, s);
  return s;
}

/** SQLite (inside the caller's transaction): upserts the batch's user days and the rollups on them. */
export function upsertUserDaysSqlite(
  db: BetterSqlite3.Database,
  orgId: number,
  rows: Iterable<readonly [userId: number, day: number, events: number, firstTs: number, lastTs: number]>,
): void {
  const s = statements(db);
  const deltas = new Deltas();
  for (const [userId, day, events, first, last] of rows) {
    const stored = s.upsertDay.get(orgId, userId, day, events, first, last)!;
    deltas.add(userId, day, last, Number(stored.events) === events);
  }
  for (const [userId, u] of deltas.users) s.upsertUser.run(orgId, userId, u.days, u.early, u.first, u.last, u.lastTs);
  for (const userId of deltas.grown()) s.recent.run(orgId, userId);
  for (const [day, n] of deltas.days) s.upsertDayTotal.run(orgId, day, n);
  const weeks = new Map<number, number>();
  for (const [userId, week, added] of deltas.weeks.values()) {
    if (Number(s.weekRows.get(orgId, userId, week, week + 6)!.n) === added) weeks.set(week, (weeks.get(week) ?? 0) + 1);
  }
  for (const [week, n] of weeks) s.upsertWeekTotal.run(orgId, week, n);
}

/** Rows per bulk statement on PostgreSQL (column arrays as parameters). */
const CHUNK = 5000;

function chunked<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const weekOf = (day: RawBuilder<unknown>) => sql`${day} - (((${day} + 3) % 7) + 7) % 7`;

/**
 * PostgreSQL (inside the caller's transaction): the same rows as upsertUserDaysSqlite, in
 * bulk: each step is one statement over unnest()ed column arrays, not a round trip per row.
 */
export async function upsertUserDaysKysely(trx: Kysely<Database>, dialect: Dialect, orgId: number, rows: DayRow[]): Promise<void> {
  if (dialect !== "postgres") throw new Error("upsertUserDaysKysely is the PostgreSQL path; SQLite uses upsertUserDaysSqlite");
  const deltas = new Deltas();
  for (const part of chunked(rows)) {
    const stored = await sql<{ user_id: number; day: number; events: number }>`
      INSERT INTO user_day (org_id, user_id, day, events, first_ts, last_ts)
      SELECT ${orgId}::integer, * FROM unnest(${part.map((d) => d.user_id)}::integer[], ${part.map((d) => d.day)}::integer[],
        ${part.map((d) => d.events)}::integer[], ${part.map((d) => d.first_ts)}::bigint[], ${part.map((d) => d.last_ts)}::bigint[])
      ON CONFLICT (org_id, user_id, day) DO UPDATE SET ${sql.raw(DAY_UPSERT_SET("LEAST", "GREATEST"))}
      RETURNING user_id, day, events`.execute(trx);
    const storedEvents = new Map(stored.rows.map((r) => [`${r.user_id}:${r.day}`, Number(r.events)]));
    for (const d of part) deltas.add(d.user_id, d.day, d.last_ts, storedEvents.get(`${d.user_id}:${d.day}`) === d.events);
  }

  for (const part of chunked([...deltas.users])) {
    const col = <K extends keyof UserDelta>(k: K) => part.map(([, u]) => u[k]);
    await sql`INSERT INTO user_activity (org_id, user_id, days, early_days, first_day, last_day, last_ts)
      SELECT ${orgId}::integer, * FROM unnest(${part.map(([id]) => id)}::integer[], ${col("days")}::integer[], ${col("early")}::integer[],
        ${col("first")}::integer[], ${col("last")}::integer[], ${col("lastTs")}::bigint[])
      ON CONFLICT (org_id, user_id) DO UPDATE SET ${sql.raw(USER_UPSERT_SET("LEAST", "GREATEST"))}`.execute(trx);
  }
  for (const part of chunked(deltas.grown())) {
    await sql`${sql.raw(RECENT_UPDATE)} WHERE org_id = ${orgId} AND user_id = ANY(${part}::integer[])`.execute(trx);
  }

  for (const part of chunked([...deltas.days])) {
    await sql`INSERT INTO day_activity (org_id, day, users)
      SELECT ${orgId}::integer, * FROM unnest(${part.map(([day]) => day)}::integer[], ${part.map(([, n]) => n)}::integer[])
      ON CONFLICT (org_id, day) DO UPDATE SET users = day_activity.users + excluded.users`.execute(trx);
  }

  // A user's week is new when the user's rows in it are exactly the new ones.
  const added = [...deltas.weeks.values()];
  const weeks = new Map<number, number>();
  if (added.length > 0) {
    const firstWeek = Math.min(...added.map((w) => w[1]));
    const lastWeek = Math.max(...added.map((w) => w[1]));
    const addedByKey = new Map(added.map(([u, w, n]) => [`${u}:${w}`, n]));
    for (const part of chunked([...new Set(added.map((w) => w[0]))])) {
      const counted = await sql<{ user_id: number; week: number; n: number }>`
        SELECT ud.user_id AS user_id, ${weekOf(sql`ud.day`)} AS week, COUNT(*) AS n FROM user_day ud
        WHERE ud.org_id = ${orgId} AND ud.user_id = ANY(${part}::integer[]) AND ud.day >= ${firstWeek} AND ud.day <= ${lastWeek + 6}
        GROUP BY ud.user_id, ${weekOf(sql`ud.day`)}`.execute(trx);
      for (const r of counted.rows) {
        const week = Number(r.week);
        if (addedByKey.get(`${r.user_id}:${week}`) === Number(r.n)) weeks.set(week, (weeks.get(week) ?? 0) + 1);
      }
    }
  }
  for (const part of chunked([...weeks])) {
    await sql`INSERT INTO week_activity (org_id, week, users)
      SELECT ${orgId}::integer, * FROM unnest(${part.map(([week]) => week)}::integer[], ${part.map(([, n]) => n)}::integer[])
      ON CONFLICT (org_id, week) DO UPDATE SET users = week_activity.users + excluded.users`.execute(trx);
  }
}
