/**
 * SQL fragments and small reads shared by the activity queries. Written in the subset
 * SQLite and PostgreSQL agree on; every value is a bound parameter.
 */
import { sql, type RawBuilder } from "kysely";
import { activityStartDay, blockOf, endOfDayMs, type DayRange } from "../activity/calendar";
import type { Store } from "../db/client";
import { GONE_ACTIONS } from "../audit/schema";
import type { Deployment } from "../env";

/**
 * Ids of the users gone as of asOf: their latest lifecycle event (by time, then log order)
 * up to the end of the asOf day is a delete. `user_lifecycle` only holds lifecycle actions.
 * Starts from the delete rows (index on org, action), so only users a delete ever aimed at
 * are looked at; at most one delete per user (its latest) qualifies.
 */
export function goneUserIds(orgId: number, asOfDay: number): RawBuilder<unknown> {
  const end = endOfDayMs(asOfDay);
  return sql`SELECT d.user_id FROM user_lifecycle d
    WHERE d.org_id = ${orgId} AND d.action IN (${sql.join(GONE_ACTIONS.map((a) => sql`${a}`))}) AND d.ts < ${end}
      AND NOT EXISTS (SELECT 1 FROM user_lifecycle l
        WHERE l.org_id = d.org_id AND l.user_id = d.user_id AND l.ts < ${end}
          AND (l.ts > d.ts OR (l.ts = d.ts AND l.seq > d.seq)))`;
}

/** The gone users as of asOf (usually few). */
export async function fetchGoneUserIds(store: Store, orgId: number, asOfDay: number): Promise<number[]> {
  const rows = await sql<{ user_id: number }>`${goneUserIds(orgId, asOfDay)}`.execute(store.db);
  return rows.rows.map((r) => Number(r.user_id));
}

/** Beyond this many gone users, exclusion uses the subquery instead of a list of values. */
const MAX_LISTED = 2000;

/**
 * `<column> NOT IN (gone users)`, or nothing when there is none: `AND ${notGone(...)}`
 * reads naturally in a WHERE clause.
 */
export function notGone(column: RawBuilder<unknown>, gone: readonly number[], orgId: number, asOfDay: number): RawBuilder<unknown> {
  if (gone.length === 0) return sql`1 = 1`;
  if (gone.length > MAX_LISTED) return sql`${column} NOT IN (${goneUserIds(orgId, asOfDay)})`;
  return sql`${column} NOT IN (${sql.join(gone.map((id) => sql`${id}`))})`;
}

/**
 * A one-column table of user ids for `WITH ids(id) AS (...)`. Joined first with
 * `ids CROSS JOIN user_day` (SQLite keeps that order; PostgreSQL plans as usual), each id is
 * an index seek on (org, user, day): SQLite, which has no statistics, would otherwise scan
 * the range by day and test every row against the list.
 */
export function idRows(ids: readonly number[]): RawBuilder<unknown> {
  // Typed, or PostgreSQL would take the parameters for text.
  return sql`VALUES ${sql.join(ids.map((id) => sql`(CAST(${id} AS INTEGER))`))}`;
}

/** The gone users as an `ids(id)` table body (see idRows). Only for a non-empty list. */
export function goneRows(gone: readonly number[], orgId: number, asOfDay: number): RawBuilder<unknown> {
  return gone.length > MAX_LISTED ? goneUserIds(orgId, asOfDay) : idRows(gone);
}

/** The days of the range whose activity counts (multi-tenant: none before 2025-05-08). */
export function countedDays(range: DayRange, deployment: Deployment): DayRange {
  const start = activityStartDay(deployment);
  return { from: start !== null && range.from < start ? start : range.from, to: range.to };
}

/**
 * `WHERE` condition on `user_activity` aliased `a`: the users with an active day in
 * [from, to]. The summary settles most users (the first or last active day falls in the
 * range, or the user's days all lie outside it); only users active both before and after
 * the range need an index seek into user_day.
 */
function activeInDays(orgId: number, days: DayRange): RawBuilder<unknown> {
  return sql`a.org_id = ${orgId} AND ${spanHasDayIn(sql`a`, days)}`;
}

/**
 * Whether the active days a row spans (its `first_day` to `last_day`, a user's in
 * `user_activity`, or those of one of its groups of 32 days in `user_block`) include one in
 * [from, to]: settled by the two ends when one falls in the range or the span misses it; a
 * span around the whole range is looked up in user_day.
 */
function spanHasDayIn(alias: RawBuilder<unknown>, days: DayRange): RawBuilder<unknown> {
  return sql`${alias}.last_day >= ${days.from} AND ${alias}.first_day <= ${days.to}
    AND (${alias}.last_day <= ${days.to} OR ${alias}.first_day >= ${days.from} OR EXISTS (
      SELECT 1 FROM user_day x WHERE x.org_id = ${alias}.org_id AND x.user_id = ${alias}.user_id AND x.day >= ${days.from} AND x.day <= ${days.to}))`;
}

/**
 * The number of users with an active day in [from, to], the gone ones left out: one
 * statement that counts from whichever summary settles the range cheaply.
 *
 * - A range with activity both before and after it (a window in the past): many users were
 *   active on both sides (3,023 of 4,019 for 3 months a year back in the 5M bench), and each
 *   would cost a descent into user_day (~3 µs on PostgreSQL); the range's `user_block` rows
 *   (~4 per user for 3 months) settle nearly all of them by their ends instead.
 * - Otherwise (a range that reaches either end of the history: no user was active on both
 *   sides) `user_activity` settles every user by its ends, one row per user.
 *
 * Both counts are scalar subqueries of a CASE, so only the one chosen runs.
 */
export function countActiveInDays(orgId: number, days: DayRange, gone: readonly number[], asOfDay: number): RawBuilder<{ n: number }> {
  return sql<{ n: number }>`SELECT CASE
    WHEN EXISTS (SELECT 1 FROM day_activity WHERE org_id = ${orgId} AND day < ${days.from})
      AND EXISTS (SELECT 1 FROM day_activity WHERE org_id = ${orgId} AND day > ${days.to})
    THEN (SELECT COUNT(DISTINCT b.user_id) FROM user_block b
      WHERE b.org_id = ${orgId} AND b.block >= ${blockOf(days.from)} AND b.block <= ${blockOf(days.to)}
        AND ${spanHasDayIn(sql`b`, days)} AND ${notGone(sql`b.user_id`, gone, orgId, asOfDay)})
    ELSE (SELECT COUNT(*) FROM user_activity a WHERE ${activeInDays(orgId, days)} AND ${notGone(sql`a.user_id`, gone, orgId, asOfDay)})
    END AS n`;
}
