/**
 * SQL fragments shared by the activity queries (not queries themselves). Written in the
 * subset SQLite and PostgreSQL agree on; every value is a bound parameter.
 */
import { sql, type RawBuilder } from "kysely";
import { activityStartDay, endOfDayMs, type DayRange } from "../activity/calendar";
import type { Deployment } from "../env";

const GONE_ACTIONS = ["user:delete", "user:permanently_delete"] as const;

/**
 * Ids of the users gone as of asOf: their latest lifecycle event (by time, then log order)
 * up to the end of the asOf day is a delete. `user_lifecycle` only holds lifecycle actions.
 */
export function goneUserIds(orgId: number, asOfDay: number): RawBuilder<unknown> {
  return sql`SELECT gone.user_id FROM (
      SELECT user_id, action,
             ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts DESC, seq DESC) AS rn
      FROM user_lifecycle
      WHERE org_id = ${orgId} AND ts < ${endOfDayMs(asOfDay)}
    ) gone
    WHERE gone.rn = 1 AND gone.action IN (${sql.join(GONE_ACTIONS.map((a) => sql`${a}`))})`;
}

/** The days of the range whose activity counts (multi-tenant: none before 2025-05-08). */
export function countedDays(range: DayRange, deployment: Deployment): DayRange {
  const start = activityStartDay(deployment);
  return { from: start !== null && range.from < start ? start : range.from, to: range.to };
}

/**
 * `WHERE` condition on `user_day` aliased `ud`: the organization, the counted days of the
 * range, and no gone user.
 */
export function countedUserDays(orgId: number, range: DayRange, deployment: Deployment, asOfDay: number): RawBuilder<unknown> {
  const days = countedDays(range, deployment);
  return sql`ud.org_id = ${orgId} AND ud.day >= ${days.from} AND ud.day <= ${days.to}
    AND ud.user_id NOT IN (${goneUserIds(orgId, asOfDay)})`;
}
