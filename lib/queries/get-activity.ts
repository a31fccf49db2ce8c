import "server-only";
import { sql } from "kysely";
import { periodBounds } from "../activity/calendar";
import { dailySeries } from "../activity/series";
import type { ActivityResponse, Period } from "../activity/types";
import { dayNumber, formatDate, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { countedUserDays } from "./activity-sql";

export interface ActivityQuery {
  period: Period;
  /** `YYYY-MM-DD`. */
  asOf: string;
  deployment: Deployment;
}

/** "Total active users" and "Users active over time" of a period ending on asOf (SPEC §4). */
export async function getActivity(store: Store, orgId: number, q: ActivityQuery): Promise<ActivityResponse> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const firstDay = q.period === "all" ? await firstEventDay(store, orgId) : null;
  const range = periodBounds(q.period, asOfDay, firstDay, q.deployment);
  const where = countedUserDays(orgId, range, q.deployment, asOfDay);

  // user_day has one row per user and day, so COUNT(*) per day counts distinct users.
  const daily = await sql<{ day: number; n: number }>`
    SELECT ud.day AS day, COUNT(*) AS n FROM user_day ud WHERE ${where} GROUP BY ud.day`.execute(store.db);
  const total = await sql<{ n: number }>`
    SELECT COUNT(DISTINCT ud.user_id) AS n FROM user_day ud WHERE ${where}`.execute(store.db);

  const counts = new Map(daily.rows.map((r) => [Number(r.day), Number(r.n)]));
  return {
    period: q.period,
    from: formatDate(range.from),
    to: formatDate(range.to),
    totalActiveUsers: Number(total.rows[0]?.n ?? 0),
    series: dailySeries(range, counts),
  };
}

/** The day of the organization's first event: the earliest time any user was named. */
async function firstEventDay(store: Store, orgId: number): Promise<number | null> {
  const row = await store.db
    .selectFrom("users")
    .select((eb) => eb.fn.min("first_seen_at").as("first"))
    .where("org_id", "=", orgId)
    .executeTakeFirst();
  const first = row?.first;
  return first === null || first === undefined ? null : dayNumber(Number(first));
}
