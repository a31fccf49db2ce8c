/**
 * The dormant seats worklist (lib/activity/seats.ts) as the weekly digest reports it. Pure:
 * the digest job and the Seats tab's preview build the same lists.
 */
import { SEAT_LISTS, seatListTitle, seatWorklist, type SeatListKind, type SeatUser } from "../activity/seats";
import type { DigestList } from "./slack-message";

/** The note beside a user in a list: since when, or which teams. */
function note(kind: SeatListKind, u: SeatUser): string | null {
  if (kind === "inactive") return u.lastActive ? `last active ${u.lastActive.slice(0, 10)}` : null;
  if (kind === "pendingInvites") return u.addedAt ? `added ${u.addedAt.slice(0, 10)}` : null;
  return u.teams.length ? `teams ${u.teams.join(", ")}` : null;
}

export function digestList(kind: SeatListKind, users: readonly SeatUser[], inactiveDays: number): DigestList {
  return { title: seatListTitle(kind, inactiveDays), users: users.map((u) => ({ email: u.email, username: u.username, note: note(kind, u) })) };
}

/** The three lists as of asOf, ready for the digest. */
export function seatsDigestLists(users: readonly SeatUser[], asOf: string, inactiveDays: number): DigestList[] {
  const lists = seatWorklist(users, asOf, inactiveDays);
  return SEAT_LISTS.map((kind) => digestList(kind, lists[kind], inactiveDays));
}
