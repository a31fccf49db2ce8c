import "server-only";
import { endOfDayMs, activityStartDay } from "../activity/calendar";
import type { UserRow } from "../activity/types";
import { buildUserRow, type LifecycleRow, type UserActivity } from "../activity/user-state";
import { parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";

export interface ListUsersQuery {
  /** `YYYY-MM-DD`. */
  asOf: string;
  deployment: Deployment;
}

const NO_ACTIVITY: UserActivity = { activeDays: 0, lastActiveMs: null };

/** Every user listed as of asOf (SPEC §4 and §6), in the order the store first knew them. */
export async function listUsers(store: Store, orgId: number, q: ListUsersQuery): Promise<UserRow[]> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const db = store.db;

  const users = await db
    .selectFrom("users")
    .select([
      "id", "email", "username", "name", "role", "teams", "models_seat", "reports", "runs",
      "in_directory", "directory_created_at", "directory_active", "first_seen_at", "first_invited_at",
    ])
    .where("org_id", "=", orgId)
    .orderBy("id")
    .execute();

  const start = activityStartDay(q.deployment);
  let days = db
    .selectFrom("user_day")
    .select((eb) => ["user_id", eb.fn.countAll<number>().as("days"), eb.fn.max("last_ts").as("last_ts")])
    .where("org_id", "=", orgId)
    .where("day", "<=", asOfDay);
  if (start !== null) days = days.where("day", ">=", start);
  const activity = new Map<number, UserActivity>();
  for (const r of await days.groupBy("user_id").execute()) {
    activity.set(Number(r.user_id), { activeDays: Number(r.days), lastActiveMs: Number(r.last_ts) });
  }

  const lifecycle = new Map<number, LifecycleRow[]>();
  const lifecycleRows = await db
    .selectFrom("user_lifecycle")
    .select(["user_id", "seq", "ts", "action", "entity_name"])
    .where("org_id", "=", orgId)
    .where("ts", "<", endOfDayMs(asOfDay))
    .execute();
  for (const r of lifecycleRows) {
    const row: LifecycleRow = { seq: Number(r.seq), ts: Number(r.ts), action: r.action, entity_name: r.entity_name };
    const list = lifecycle.get(r.user_id);
    if (list) list.push(row);
    else lifecycle.set(r.user_id, [row]);
  }

  const ctx = { asOfDay, deployment: q.deployment };
  const rows: UserRow[] = [];
  for (const u of users) {
    const record = {
      ...u,
      reports: Number(u.reports),
      runs: Number(u.runs),
      in_directory: Number(u.in_directory),
      directory_created_at: u.directory_created_at === null ? null : Number(u.directory_created_at),
      directory_active: u.directory_active === null ? null : Number(u.directory_active),
      first_seen_at: u.first_seen_at === null ? null : Number(u.first_seen_at),
      first_invited_at: u.first_invited_at === null ? null : Number(u.first_invited_at),
    };
    const row = buildUserRow(record, activity.get(u.id) ?? NO_ACTIVITY, lifecycle.get(u.id) ?? [], ctx);
    if (row) rows.push(row);
  }
  return rows;
}
