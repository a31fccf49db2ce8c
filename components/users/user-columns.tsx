import type { ReactNode } from "react";
import type { ListedUser, UserRow, UserStatus } from "@/lib/activity/types";
import type { SortColumn } from "@/components/dashboard/use-dashboard-params";
import { formatNumber } from "@/components/format";
import { UserPageLink } from "@/components/user-page/user-page-link";
import { LastActiveCell } from "./last-active-cell";

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

// Sorting "Last Active" groups by status, then time: descending puts the most recent activity
// first, then users inactive for six months, then pending invites, then deactivated users.
const STATUS_RANK: Record<UserStatus, number> = { deactivated: 0, invite_pending: 1, inactive: 2, active: 3 };
const RANK_SPAN = 1e14; // > any epoch-millisecond timestamp in this century

export function lastActiveSortValue(user: UserRow): number {
  const time = user.lastActive ? Date.parse(user.lastActive) : 0;
  return STATUS_RANK[user.status] * RANK_SPAN + (Number.isFinite(time) ? time : 0);
}

/** One column of the users table: its header, how it sorts, and how a cell shows a user. */
export interface UserColumn<K extends string | number = string | number> {
  id: SortColumn;
  header: string;
  /** Width in px. */
  size: number;
  /** The first click on the header sorts descending (numbers, recency). */
  sortDescFirst: boolean;
  /** The value sorted on; undefined sorts last in both directions. */
  sortValue(user: UserRow): K | undefined;
  compare(a: K, b: K): number;
  cell: (user: UserRow) => ReactNode;
  className?: string;
}

const basic = (a: number, b: number) => (a === b ? 0 : a > b ? 1 : -1);

/** Text columns: natural, case-insensitive order; missing values always last. */
function textColumn(id: SortColumn, header: string, get: (u: UserRow) => string | null, size: number): UserColumn<string> {
  return { id, header, size, sortDescFirst: false, sortValue: (u) => get(u) || undefined, compare: collator.compare, cell: (u) => get(u) || "" };
}

export function userColumns(multiTenant: boolean): UserColumn[] {
  return [
    // The name opens the user's page; the email does for a user without a name.
    { ...textColumn("name", "Name", (u) => u.name, 190), cell: (u) => (u.name && "id" in u ? <UserPageLink id={(u as ListedUser).id}>{u.name}</UserPageLink> : u.name || "") },
    textColumn("username", "Username", (u) => u.username, 150),
    { ...textColumn("email", "Email", (u) => u.email, 230), cell: (u) => (!u.name && u.email && "id" in u ? <UserPageLink id={(u as ListedUser).id}>{u.email}</UserPageLink> : u.email || "") },
    textColumn("role", "Role", (u) => u.role, 100),
    textColumn("teams", "Teams", (u) => (u.teams.length ? [...u.teams].sort(collator.compare).join(", ") : null), 160),
    {
      id: "lastActive",
      header: "Last Active",
      size: 210,
      sortDescFirst: true,
      sortValue: lastActiveSortValue,
      compare: basic,
      cell: (u) => <LastActiveCell user={u} multiTenant={multiTenant} />,
    },
    {
      id: "activeDays",
      header: "Number of active days",
      size: 120,
      sortDescFirst: true,
      sortValue: (u) => u.activeDays,
      compare: basic,
      cell: (u) => formatNumber(u.activeDays),
      className: "tabular-nums",
    },
  ];
}

/**
 * The positions of `users` in the order of `column` (descending when `desc`): each sort value
 * is computed once, missing values go last in both directions, ties keep the given order.
 */
export function sortedOrder(users: readonly UserRow[], column: UserColumn, desc: boolean): number[] {
  const values = users.map(column.sortValue);
  const order = Array.from(users.keys());
  const sign = desc ? -1 : 1;
  order.sort((a, b) => {
    const va = values[a];
    const vb = values[b];
    if (va === undefined || vb === undefined) return va === vb ? a - b : va === undefined ? 1 : -1;
    return sign * column.compare(va, vb) || a - b;
  });
  return order;
}
