import "server-only";
import { sql } from "kysely";
import { periodBounds } from "../activity/calendar";
import { dailySeries } from "../activity/series";
import type { ActivityResponse, Period } from "../activity/types";
import { dayNumber, formatDate, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { countActiveInDays, countedDays, fetchGoneUserIds, goneRows } from "./activity-sql";

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
  const days = countedDays(range, q.deployment);
  const gone = await fetchGoneUserIds(store, orgId, asOfDay);

  // day_activity holds each day's distinct active users (user_day rows); gone users' days
  // are taken back out (they are few).
  const daily = await store.db
    .selectFrom("day_activity")
    .select(["day", "users"])
    .where("org_id", "=", orgId)
    .where("day", ">=", days.from)
    .where("day", "<=", days.to)
    .execute();
  const counts = new Map(daily.map((r) => [Number(r.day), Number(r.users)]));
  if (gone.length > 0) {
    const goneDays = await sql<{ day: number; n: number }>`
      WITH ids(id) AS (${goneRows(gone, orgId, asOfDay)})
      SELECT ud.day AS day, COUNT(*) AS n FROM ids CROSS JOIN user_day ud
      WHERE ud.org_id = ${orgId} AND ud.user_id = ids.id AND ud.day >= ${days.from} AND ud.day <= ${days.to}
      GROUP BY ud.day`.execute(store.db);
    for (const r of goneDays.rows) counts.set(Number(r.day), (counts.get(Number(r.day)) ?? 0) - Number(r.n));
  }
  const total = await countActiveInDays(orgId, days, gone, asOfDay).execute(store.db);

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
