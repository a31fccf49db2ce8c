/**
 * The Users tab's search and status filter (pure): the table, its counts, the export of "the N
 * shown" and tests all use these, so what is counted is what is shown.
 */
import { STATUS_FILTERS, type StatusFilter, type UserStatus } from "./status";

/** The fields a search looks in. */
export interface SearchableUser {
  name: string | null;
  username: string | null;
  email: string | null;
  teams: readonly string[];
  status: UserStatus;
}

/** The search as typed, trimmed and lower-cased ("" is no search). */
export function searchNeedle(query: string): string {
  return query.trim().toLowerCase();
}

/** Case-insensitive substring of the name, username, email or one of the teams. */
export function matchesSearch(user: SearchableUser, needle: string): boolean {
  if (needle === "") return true;
  if (user.name?.toLowerCase().includes(needle) || user.username?.toLowerCase().includes(needle) || user.email?.toLowerCase().includes(needle)) return true;
  return user.teams.some((t) => t.toLowerCase().includes(needle));
}

export function matchesStatus(user: Pick<SearchableUser, "status">, status: StatusFilter): boolean {
  return status === "all" || user.status === status;
}

/** How many users matching the search each filter would show (`all` included). */
export function statusCounts(users: readonly SearchableUser[], needle: string): Record<StatusFilter, number> {
  const counts = Object.fromEntries(STATUS_FILTERS.map((s) => [s, 0])) as Record<StatusFilter, number>;
  for (const u of users) {
    if (!matchesSearch(u, needle)) continue;
    counts.all++;
    counts[u.status]++;
  }
  return counts;
}

/** The users the table shows: the search AND the status filter, in the given order. */
export function filterUsers<T extends SearchableUser>(users: readonly T[], needle: string, status: StatusFilter): T[] {
  if (needle === "" && status === "all") return users as T[];
  return users.filter((u) => matchesStatus(u, status) && matchesSearch(u, needle));
}
