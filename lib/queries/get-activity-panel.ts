import "server-only";
import { sql } from "kysely";
import { panelBounds } from "../activity/calendar";
import { MOST_ACTIVE_LIMIT, rankMostActive, type RangeActivity } from "../activity/most-active";
import { weeklySeries } from "../activity/series";
import type { PanelRange, PanelResponse } from "../activity/types";
import { formatDate, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { countedUserDays } from "./activity-sql";

export interface PanelQuery {
  range: PanelRange;
  /** `YYYY-MM-DD`. */
  asOf: string;
  deployment: Deployment;
}

/** The Activity Panel over the 7, 30 or 90 days ending on asOf (SPEC §4). */
export async function getActivityPanel(store: Store, orgId: number, q: PanelQuery): Promise<PanelResponse> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const range = panelBounds(q.range, asOfDay);
  const where = countedUserDays(orgId, range, q.deployment, asOfDay);

  // The Monday of the day's ISO week (day 0, 1970-01-01, was a Thursday).
  const weekly = await sql<{ week: number; n: number }>`
    SELECT w.week AS week, COUNT(DISTINCT w.user_id) AS n
    FROM (SELECT ud.user_id AS user_id, ud.day - (((ud.day + 3) % 7) + 7) % 7 AS week
          FROM user_day ud WHERE ${where}) w
    GROUP BY w.week`.execute(store.db);

  const counts = new Map(weekly.rows.map((r) => [Number(r.week), Number(r.n)]));
  const active = await activeInRange(store, where);
  return {
    from: formatDate(range.from),
    to: formatDate(range.to),
    activeUserCount: active.count,
    weekly: weeklySeries(range, counts),
    mostActive: rankMostActive(active.candidates),
  };
}

/**
 * The distinct users active in the range, and the most-active candidates: the top ten by
 * (active days, last active) plus everyone tied with the tenth. The name tie-break is
 * applied in code, so it does not depend on the database's collation.
 */
async function activeInRange(
  store: Store,
  where: ReturnType<typeof countedUserDays>,
): Promise<{ count: number; candidates: RangeActivity[] }> {
  // COUNT(*) OVER () counts the groups, i.e. the distinct active users, in the same pass.
  const tenth = await sql<{ days: number; last_ts: number; users: number }>`
    SELECT COUNT(*) AS days, MAX(ud.last_ts) AS last_ts, COUNT(*) OVER () AS users
    FROM user_day ud WHERE ${where}
    GROUP BY ud.user_id ORDER BY days DESC, last_ts DESC
    LIMIT 1 OFFSET ${MOST_ACTIVE_LIMIT - 1}`.execute(store.db);
  const cut = tenth.rows[0];
  const having = cut
    ? sql`HAVING COUNT(*) > ${Number(cut.days)} OR (COUNT(*) = ${Number(cut.days)} AND MAX(ud.last_ts) >= ${Number(cut.last_ts)})`
    : sql``;
  const rows = await sql<{ id: number; username: string | null; email: string | null; days: number; last_ts: number }>`
    SELECT u.id AS id, u.username AS username, u.email AS email, a.days AS days, a.last_ts AS last_ts
    FROM (SELECT ud.user_id AS user_id, COUNT(*) AS days, MAX(ud.last_ts) AS last_ts
          FROM user_day ud WHERE ${where} GROUP BY ud.user_id ${having}) a
    JOIN users u ON u.id = a.user_id`.execute(store.db);
  const candidates = rows.rows.map((r) => ({
    userId: Number(r.id),
    username: r.username,
    email: r.email,
    activeDays: Number(r.days),
    lastActiveMs: Number(r.last_ts),
  }));
  // Without a tenth user the candidates are every active user.
  return { count: cut ? Number(cut.users) : candidates.length, candidates };
}
