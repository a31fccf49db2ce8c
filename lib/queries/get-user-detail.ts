import "server-only";
import { activityStartDay, endOfDayMs, minusMonths } from "../activity/calendar";
import type { UserDetail } from "../activity/types";
import { formatDate, formatTimestamp, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import { readEventBodies } from "./event-log-reader";
import { getListedUser, type ListUsersQuery } from "./list-users";

/**
 * The user page (`/org/users/[id]`, docs/DASHBOARD.md): the user as the users list shows it
 * as of asOf (the same code over the same rows: lib/queries/list-users.ts), the active days of
 * the 12 months ending on asOf with their active-event counts (user_day), and every lifecycle
 * event aimed at the user up to asOf (user_lifecycle), with who did it. Null when the
 * organization does not list such a user.
 */
export async function getUserDetail(store: Store, orgId: number, userId: number, q: ListUsersQuery): Promise<UserDetail | null> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const user = await getListedUser(store, orgId, userId, q);
  if (!user) return null;
  const db = store.db;

  // What `actor:` names this user by in the explorer: the email, else the platform id, else the username.
  const names = await db
    .selectFrom("users")
    .select(["email", "external_id", "username"])
    .where("org_id", "=", orgId)
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();

  // The 12 months ending on asOf (the `12m` period); in multi-tenant mode no earlier than activity counts.
  const start = activityStartDay(q.deployment);
  const from = Math.max(minusMonths(asOfDay, 12), start ?? -Infinity);
  const days = await db
    .selectFrom("user_day")
    .select(["day", "events"])
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .where("day", ">=", from)
    .where("day", "<=", asOfDay)
    .orderBy("day")
    .execute();

  const lifecycle = await db
    .selectFrom("user_lifecycle")
    .select(["seq", "ts", "action", "entity_name"])
    .where("org_id", "=", orgId)
    .where("user_id", "=", userId)
    .where("ts", "<", endOfDayMs(asOfDay))
    .orderBy("ts")
    .orderBy("seq")
    .execute();
  // Who did it and how it ended, from the stored events (a handful of lines).
  const bodies = await readEventBodies(
    store,
    orgId,
    lifecycle.map((r) => ({ seq: Number(r.seq), ts: Number(r.ts) })),
  );

  return {
    asOf: q.asOf,
    user,
    actorTerm: names.email ?? names.external_id ?? names.username,
    from: formatDate(from),
    to: q.asOf,
    days: days.map((d) => ({ date: formatDate(Number(d.day)), events: Number(d.events) })),
    lifecycle: lifecycle.map((r) => {
      const body = bodies.get(Number(r.seq));
      const event = body === undefined ? {} : (JSON.parse(body) as Record<string, unknown>);
      return {
        action: r.action,
        timestamp: formatTimestamp(Number(r.ts)),
        team: r.entity_name,
        by: typeof event.actor_email === "string" ? event.actor_email : typeof event.actor_user_id === "string" ? event.actor_user_id : null,
        status: typeof event.response_code === "number" ? event.response_code : null,
      };
    }),
  };
}
