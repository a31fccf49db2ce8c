/** Ordering of the panel's "Most active users" (SPEC §4). Pure. */
import { formatTimestamp } from "../audit/timestamp";
import type { MostActiveUser } from "./types";

export const MOST_ACTIVE_LIMIT = 10;

export interface RangeActivity {
  userId: number;
  username: string | null;
  email: string | null;
  /** Active days inside the range. */
  activeDays: number;
  /** Latest active event inside the range. */
  lastActiveMs: number;
}

/** The name users are tied-broken by: the username, or the email when there is none. */
function sortName(u: RangeActivity): string {
  return u.username ?? u.email ?? "";
}

/**
 * Active days desc, then last active desc, then username (email when none) asc by code
 * unit, so SQLite and PostgreSQL (whatever its collation) agree; the user id settles the rest.
 */
export function compareMostActive(a: RangeActivity, b: RangeActivity): number {
  if (a.activeDays !== b.activeDays) return b.activeDays - a.activeDays;
  if (a.lastActiveMs !== b.lastActiveMs) return b.lastActiveMs - a.lastActiveMs;
  const an = sortName(a);
  const bn = sortName(b);
  if (an !== bn) return an < bn ? -1 : 1;
  return a.userId - b.userId;
}

export function rankMostActive(rows: readonly RangeActivity[], limit: number = MOST_ACTIVE_LIMIT): MostActiveUser[] {
  return [...rows]
    .sort(compareMostActive)
    .slice(0, limit)
    .map((u) => ({ id: u.userId, username: u.username, email: u.email, activeDays: u.activeDays, lastActive: formatTimestamp(u.lastActiveMs) }));
}
