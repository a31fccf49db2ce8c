/**
 * The dormant seats worklist (issue 15; definitions in docs/DASHBOARD.md, "Seats tab"): three
 * lists read from the users answer as of asOf. Pure: the Seats tab, the weekly digest and the
 * tests use it.
 *
 * - **Inactive for more than N days**: not deactivated, and last active (SPEC §4) before the
 *   day asOf − N. Users never active are not in it (they are pending invites, or in
 *   multi-tenant mode never active there).
 * - **Invites pending for more than 30 days**: status `invite_pending`, date added before the
 *   day asOf − 30. A pending user whose date added is unknown (a CSV-only directory entry) is
 *   not in it: nothing says how long the invite has waited.
 * - **Deactivated users still on teams**: status `deactivated` with at least one team.
 */
import type { UserRow } from "./types";
import { dayNumber, parseDate } from "../audit/timestamp";

export const SEAT_INACTIVE_DAYS = [30, 60, 90, 180] as const;
export type SeatInactiveDays = (typeof SEAT_INACTIVE_DAYS)[number];
export const DEFAULT_SEAT_INACTIVE_DAYS: SeatInactiveDays = 90;
export const PENDING_INVITE_DAYS = 30;

export const SEAT_LISTS = ["inactive", "pendingInvites", "deactivatedOnTeams"] as const;
export type SeatListKind = (typeof SEAT_LISTS)[number];

export type SeatUser = Pick<UserRow, "name" | "username" | "email" | "teams" | "status" | "lastActive" | "addedAt">;

export type SeatLists<T> = Record<SeatListKind, T[]>;

const dayOf = (iso: string): number => dayNumber(Date.parse(iso));

/** Code-unit order of the user's name for ties (email, else username): the same everywhere. */
const nameOf = (u: SeatUser) => u.email ?? u.username ?? "";
const byName = (a: SeatUser, b: SeatUser) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);

/**
 * The three lists as of `asOf` (`YYYY-MM-DD`), each longest-waiting first: inactive users by
 * last active, pending invites by date added (oldest first), deactivated users by name.
 */
export function seatWorklist<T extends SeatUser>(users: readonly T[], asOf: string, inactiveDays: number): SeatLists<T> {
  const asOfDay = parseDate(asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(asOf)}`);
  const inactiveBefore = asOfDay - inactiveDays;
  const pendingBefore = asOfDay - PENDING_INVITE_DAYS;
  const lists: SeatLists<T> = { inactive: [], pendingInvites: [], deactivatedOnTeams: [] };
  for (const u of users) {
    if (u.status === "deactivated") {
      if (u.teams.length > 0) lists.deactivatedOnTeams.push(u);
    } else if (u.lastActive !== null && dayOf(u.lastActive) < inactiveBefore) {
      lists.inactive.push(u);
    } else if (u.status === "invite_pending" && u.addedAt !== null && dayOf(u.addedAt) < pendingBefore) {
      lists.pendingInvites.push(u);
    }
  }
  lists.inactive.sort((a, b) => Date.parse(a.lastActive!) - Date.parse(b.lastActive!) || byName(a, b));
  lists.pendingInvites.sort((a, b) => Date.parse(a.addedAt!) - Date.parse(b.addedAt!) || byName(a, b));
  lists.deactivatedOnTeams.sort(byName);
  return lists;
}

/** What a list is called on the page and in the digest. */
export function seatListTitle(kind: SeatListKind, inactiveDays: number): string {
  switch (kind) {
    case "inactive":
      return `Inactive for more than ${inactiveDays} days`;
    case "pendingInvites":
      return `Invites pending for more than ${PENDING_INVITE_DAYS} days`;
    case "deactivatedOnTeams":
      return "Deactivated users still on teams";
  }
}
