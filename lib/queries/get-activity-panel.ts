import "server-only";
import { sql } from "kysely";
import { isoWeeksOverlapping, panelBounds, type DayRange } from "../activity/calendar";
import { MOST_ACTIVE_LIMIT, rankMostActive, type RangeActivity } from "../activity/most-active";
import { weeklySeries } from "../activity/series";
import type { PanelRange, PanelResponse } from "../activity/types";
import { formatDate, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { countActiveInDays, countedDays, fetchGoneUserIds, goneRows, idRows, notGone } from "./activity-sql";

export interface PanelQuery {
  range: PanelRange;
  /** `YYYY-MM-DD`. */
  asOf: string;
  deployment: Deployment;
}

interface Ctx {
  store: Store;
  orgId: number;
  asOfDay: number;
  gone: number[];
}

export interface PanelTuning {
  /** Users counted exactly in the most-active ranking's first round (more follow as needed). */
  firstCandidates?: number;
}

/** The Activity Panel over the 7, 30 or 90 days ending on asOf (SPEC §4). */
export async function getActivityPanel(store: Store, orgId: number, q: PanelQuery, tuning: PanelTuning = {}): Promise<PanelResponse> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const range = panelBounds(q.range, asOfDay);
  const days = countedDays(range, q.deployment);
  const ctx: Ctx = { store, orgId, asOfDay, gone: await fetchGoneUserIds(store, orgId, asOfDay) };
  const after = await firstDayAfter(ctx, days.to);
  const weekly = weeklySeries(range, await weeklyCounts(ctx, range, days, after));
  const base = { from: formatDate(range.from), to: formatDate(range.to) };

  if (after !== null && days.from <= days.to) {
    // Activity after the range (an asOf in the past): the users active after it have no
    // bound on their days in it, and with an asOf a year back that is nearly everyone, so
    // every user's days are counted, in one statement (rangeRanking).
    const { activeUserCount, top } = await rangeRanking(ctx, days);
    return { ...base, activeUserCount, weekly, mostActive: await named(store, top) };
  }
  const count = await countActiveInDays(orgId, days, ctx.gone, asOfDay).execute(store.db);
  return {
    ...base,
    activeUserCount: Number(count.rows[0]?.n ?? 0),
    weekly,
    mostActive: await mostActive(ctx, days, q.range, tuning.firstCandidates ?? 200),
  };
}

/** The first day after `day` with activity (gone users' included), or null. */
async function firstDayAfter({ store, orgId }: Ctx, day: number): Promise<number | null> {
  const row = await store.db
    .selectFrom("day_activity")
    .select("day")
    .where("org_id", "=", orgId)
    .where("day", ">", day)
    .orderBy("day")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : Number(row.day);
}

/**
 * Distinct users per ISO week, counting only the week's days inside the range. A week whose
 * days the range wholly covers (or whose days past the range have no activity, as past
 * today) is read from week_activity; the partial weeks at the edges are counted from user_day.
 */
async function weeklyCounts({ store, orgId, asOfDay, gone }: Ctx, range: DayRange, days: DayRange, after: number | null): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (days.from > days.to) return counts;
  const weeks = isoWeeksOverlapping(range).filter((w) => w + 6 >= days.from);
  const lastWeek = weeks[weeks.length - 1]!;
  // Activity after the range in its last week makes that week partial too.
  const activeAfter = after !== null && after <= lastWeek + 6;
  const whole = (w: number) => w >= days.from && (w + 6 <= days.to || !activeAfter);
  const full = weeks.filter(whole);
  if (full.length > 0) {
    const rows = await store.db
      .selectFrom("week_activity")
      .select(["week", "users"])
      .where("org_id", "=", orgId)
      .where("week", ">=", full[0]!)
      .where("week", "<=", full[full.length - 1]!)
      .execute();
    for (const r of rows) counts.set(Number(r.week), Number(r.users));
    if (gone.length > 0) {
      const goneWeeks = await sql<{ week: number; n: number }>`
        WITH ids(id) AS (${goneRows(gone, orgId, asOfDay)})
        SELECT w.week AS week, COUNT(DISTINCT w.user_id) AS n
        FROM (SELECT ud.user_id AS user_id, ud.day - (((ud.day + 3) % 7) + 7) % 7 AS week FROM ids CROSS JOIN user_day ud
              WHERE ud.org_id = ${orgId} AND ud.user_id = ids.id AND ud.day >= ${full[0]!} AND ud.day <= ${full[full.length - 1]! + 6}) w
        GROUP BY w.week`.execute(store.db);
      for (const r of goneWeeks.rows) {
        const week = Number(r.week);
        if (counts.has(week)) counts.set(week, counts.get(week)! - Number(r.n));
      }
    }
  }
  for (const w of weeks) {
    if (whole(w)) continue;
    const from = Math.max(w, days.from);
    const to = Math.min(w + 6, days.to);
    const row = await sql<{ n: number }>`
      SELECT COUNT(DISTINCT ud.user_id) AS n FROM user_day ud
      WHERE ud.org_id = ${orgId} AND ud.day >= ${from} AND ud.day <= ${to} AND ${notGone(sql`ud.user_id`, gone, orgId, asOfDay)}`.execute(store.db);
    counts.set(w, Number(row.rows[0]?.n ?? 0));
  }
  return counts;
}

interface Exact {
  userId: number;
  activeDays: number;
  lastActiveMs: number;
}

const byDaysThenLast = (a: Exact, b: Exact) => b.activeDays - a.activeDays || b.lastActiveMs - a.lastActiveMs;

/**
 * Top ten by active days in the range, then last active, then name (SPEC §4), without
 * counting every user's days. A user whose last active day is in the range has at most
 * d7/d30/d90 days in it (the days in the N days ending on the last active day cover the
 * range's days up to it), so users are taken in order of that bound and counted exactly
 * until the bound falls below the tenth user's days. Only when nothing happened after the
 * range (every user's last active day is in it or before it); else see rangeRanking.
 */
async function mostActive(ctx: Ctx, days: DayRange, n: PanelRange, firstCandidates: number): Promise<PanelResponse["mostActive"]> {
  const { store, orgId, asOfDay, gone } = ctx;
  if (days.from > days.to) return [];
  const exact = new Map<number, Exact>();
  // The users to count go first (CROSS JOIN keeps that order on SQLite): one index seek each
  // into user_day (org, user, day), which yields their days of the range in order.
  const count = async (users: ReturnType<typeof sql>) => {
    const rows = await sql<{ user_id: number; days: number; last_ts: number }>`
      WITH ids(id) AS (${users})
      SELECT ud.user_id AS user_id, COUNT(*) AS days, MAX(ud.last_ts) AS last_ts
      FROM ids CROSS JOIN user_day ud
      WHERE ud.org_id = ${orgId} AND ud.user_id = ids.id AND ud.day >= ${days.from} AND ud.day <= ${days.to}
      GROUP BY ud.user_id`.execute(store.db);
    for (const r of rows.rows) exact.set(Number(r.user_id), { userId: Number(r.user_id), activeDays: Number(r.days), lastActiveMs: Number(r.last_ts) });
  };
  // Also at most one day per day from the range's start to the last active day.
  const least = sql.raw(store.dialect === "postgres" ? "LEAST" : "MIN");
  const bound = sql`${least}(${sql.ref(`a.d${n}`)}, a.last_day - ${days.from - 1})`;
  for (let limit = firstCandidates; ; limit *= 4) {
    // Their last active time is exact (it is in the range): a bound tied with the tenth's
    // days still loses when the last activity is earlier.
    const candidates = await sql<{ user_id: number; bound: number; last_ts: number }>`
      SELECT a.user_id AS user_id, ${bound} AS bound, a.last_ts AS last_ts FROM user_activity a
      WHERE a.org_id = ${orgId} AND a.last_day >= ${days.from} AND a.last_day <= ${days.to} AND ${notGone(sql`a.user_id`, gone, orgId, asOfDay)}
      ORDER BY ${bound} DESC, a.last_ts DESC
      LIMIT ${limit}`.execute(store.db);
    const ids = candidates.rows.map((r) => Number(r.user_id)).filter((id) => !exact.has(id));
    for (let i = 0; i < ids.length; i += 500) await count(idRows(ids.slice(i, i + 500)));
    if (candidates.rows.length < limit) break;
    const tenth = [...exact.values()].sort(byDaysThenLast)[MOST_ACTIVE_LIMIT - 1];
    const last = candidates.rows[candidates.rows.length - 1]!;
    const lowest = { userId: 0, activeDays: Number(last.bound), lastActiveMs: Number(last.last_ts) };
    // Everyone not fetched ranks at or below `lowest` even with all bound days: done once
    // that is strictly below the tenth.
    if (tenth && byDaysThenLast(lowest, tenth) > 0) break;
  }

  // Everyone tied with the tenth on (days, last active) is ranked by name.
  const ranked = [...exact.values()].sort(byDaysThenLast);
  const tenth = ranked[MOST_ACTIVE_LIMIT - 1];
  return named(store, tenth ? ranked.filter((u) => byDaysThenLast(u, tenth) <= 0) : ranked);
}

/**
 * Every user's active days in the range, counted exactly, ranked in the same statement: the
 * number of users with an active day (gone users left out), and the users with at least the
 * tenth's days, whose last active time in the range is then read (a few seeks). Some tens of
 * rows leave the store.
 *
 * The counting takes the shape each store runs fastest (docs/PERFORMANCE.md, "Dashboard
 * routes"): PostgreSQL scans the range's rows by day (index on org, day, user) into a hash
 * aggregate; SQLite, which would group them by sorting, seeks into user_day (index on org,
 * user, day) for each user of the summary whose active days span some of the range and
 * counts there. Both are MATERIALIZED: SQLite would otherwise count twice (`days` is read
 * by the filter and the ranking).
 */
async function rangeRanking({ store, orgId, asOfDay, gone }: Ctx, days: DayRange): Promise<{ activeUserCount: number; top: Exact[] }> {
  const inRange = (t: string) => sql`${sql.ref(`${t}.org_id`)} = ${orgId} AND ${sql.ref(`${t}.day`)} >= ${days.from} AND ${sql.ref(`${t}.day`)} <= ${days.to}`;
  const perUser =
    store.dialect === "postgres"
      ? sql`SELECT ud.user_id AS user_id, COUNT(*) AS days FROM user_day ud WHERE ${inRange("ud")} GROUP BY ud.user_id`
      : sql`SELECT a.user_id AS user_id, (SELECT COUNT(*) FROM user_day ud WHERE ${inRange("ud")} AND ud.user_id = a.user_id) AS days
          FROM user_activity a WHERE a.org_id = ${orgId} AND a.last_day >= ${days.from} AND a.first_day <= ${days.to}`;
  const rows = await sql<{ user_id: number; days: number; n: number; last_ts: number }>`
    WITH counts AS MATERIALIZED (${perUser}),
    kept AS MATERIALIZED (SELECT c.user_id AS user_id, c.days AS days FROM counts c WHERE c.days > 0 AND ${notGone(sql`c.user_id`, gone, orgId, asOfDay)})
    SELECT k.user_id AS user_id, k.days AS days, (SELECT COUNT(*) FROM kept) AS n,
      (SELECT MAX(x.last_ts) FROM user_day x WHERE ${inRange("x")} AND x.user_id = k.user_id) AS last_ts
    FROM kept k
    WHERE k.days >= COALESCE((SELECT t.days FROM kept t ORDER BY t.days DESC LIMIT 1 OFFSET ${MOST_ACTIVE_LIMIT - 1}), 0)`.execute(store.db);
  // Everyone tied with the tenth on (days, last active) is ranked by name.
  const ranked = rows.rows.map((r) => ({ userId: Number(r.user_id), activeDays: Number(r.days), lastActiveMs: Number(r.last_ts) })).sort(byDaysThenLast);
  const tenth = ranked[MOST_ACTIVE_LIMIT - 1];
  return {
    activeUserCount: Number(rows.rows[0]?.n ?? 0),
    top: tenth ? ranked.filter((u) => byDaysThenLast(u, tenth) <= 0) : ranked,
  };
}

/** The users' names, and the ranking of SPEC §4 over them (the caller passes the top ten and their ties). */
async function named(store: Store, users: readonly Exact[]): Promise<PanelResponse["mostActive"]> {
  if (users.length === 0) return [];
  const names = new Map<number, { username: string | null; email: string | null }>();
  for (let i = 0; i < users.length; i += 500) {
    const part = users.slice(i, i + 500).map((u) => u.userId);
    for (const r of await store.db.selectFrom("users").select(["id", "username", "email"]).where("id", "in", part).execute()) {
      names.set(Number(r.id), { username: r.username, email: r.email });
    }
  }
  const candidates: RangeActivity[] = users.map((u) => ({ ...u, username: names.get(u.userId)?.username ?? null, email: names.get(u.userId)?.email ?? null }));
  return rankMostActive(candidates);
}
