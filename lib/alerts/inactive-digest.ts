import "server-only";
import { DEFAULT_SEAT_INACTIVE_DAYS } from "../activity/seats";
import type { UserRow } from "../activity/types";
import { formatDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { listUsers } from "../queries/list-users";
import { enqueueAlerts, hasAlert } from "./outbox";
import { parseStoredRules } from "./rules";
import { seatsDigestLists } from "./seats-digest";
import { inactiveDigestMessage, type InactiveUser } from "./slack-message";

/** The last complete ISO week (Monday to Sunday) before `todayDay`. Day 0 (1970-01-01) was a Thursday. */
export function lastCompleteWeek(todayDay: number): { start: number; end: number } {
  const weekday = (todayDay + 3) % 7; // 0 = Monday
  const thisMonday = todayDay - weekday;
  return { start: thisMonday - 7, end: thisMonday - 1 };
}

/**
 * Users who crossed the six-month line (SPEC §4) during the week: "active" as of the day
 * before it started, "inactive" as of its last day. Deactivated and deleted users are not
 * listed as inactive, as on the Users tab.
 */
export async function usersWentInactive(store: Store, orgId: number, week: { start: number; end: number }, deployment: Deployment): Promise<InactiveUser[]> {
  return (await weekUsers(store, orgId, week, deployment)).wentInactive;
}

/** The users as of the week's last day, and those of them who crossed the line during it. */
async function weekUsers(
  store: Store,
  orgId: number,
  week: { start: number; end: number },
  deployment: Deployment,
): Promise<{ after: UserRow[]; wentInactive: InactiveUser[] }> {
  const before = await listUsers(store, orgId, { asOf: formatDate(week.start - 1), deployment });
  const after = await listUsers(store, orgId, { asOf: formatDate(week.end), deployment });
  const keyOf = (u: { email: string | null; username: string | null }) => u.email ?? u.username;
  const wasActive = new Set(before.filter((u) => u.status === "active" && keyOf(u) !== null).map(keyOf));
  const wentInactive = after
    .filter((u) => u.status === "inactive" && keyOf(u) !== null && wasActive.has(keyOf(u)))
    .map((u) => ({ email: u.email, username: u.username, lastActive: u.lastActive }))
    .sort((a, b) => (a.lastActive ?? "").localeCompare(b.lastActive ?? "") || (a.email ?? "").localeCompare(b.email ?? ""));
  return { after, wentInactive };
}

/** Queues last week's digest for every organization that wants one and has not had it. */
export async function queueInactiveDigests(store: Store, todayDay: number, deployment: Deployment): Promise<number> {
  const week = lastCompleteWeek(todayDay);
  const key = `inactive_digest:${formatDate(week.start)}`;
  const rows = await store.db
    .selectFrom("alert_settings")
    .innerJoin("organizations", "organizations.id", "alert_settings.org_id")
    .select(["alert_settings.org_id", "alert_settings.rules", "organizations.slug"])
    .where("alert_settings.slack_webhook_enc", "is not", null)
    .execute();
  let queued = 0;
  for (const row of rows) {
    if (!parseStoredRules(row.rules).inactiveDigest.enabled) continue;
    if (await hasAlert(store.db, row.org_id, key)) continue;
    const { after, wentInactive } = await weekUsers(store, row.org_id, week, deployment);
    // The dormant seats worklist (Seats tab) as of the week's last day, at its default threshold.
    const seats = seatsDigestLists(after, formatDate(week.end), DEFAULT_SEAT_INACTIVE_DAYS);
    const message = inactiveDigestMessage(row.slug, formatDate(week.start), formatDate(week.end), wentInactive, seats);
    queued += await enqueueAlerts(store.db, row.org_id, [{ rule: "inactive_digest", dedupeKey: key, subjectAt: week.start * 86_400_000, message }]);
  }
  return queued;
}
