import type { ReactNode } from "react";
import type { ListedUser, UserRow, UserStatus } from "@/lib/activity/types";
import type { OptionalColumn, SortColumn } from "@/components/dashboard/use-dashboard-params";
import { formatNumber } from "@/components/format";
import { UserPageLink } from "@/components/user-page/user-page-link";
import { LastActiveLabel, LastActiveTooltip } from "./last-active-cell";

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

// Sorting "Last Active" groups by status, then time: descending puts the most recent activity
// first, then users inactive for six months, then pending invites, then deactivated users.
const STATUS_RANK: Record<UserStatus, number> = { deactivated: 0, invite_pending: 1, inactive: 2, active: 3 };
const RANK_SPAN = 1e14; // > any epoch-millisecond timestamp in this century

export function lastActiveSortValue(user: UserRow): number {
  const time = user.lastActive ? Date.parse(user.lastActive) : 0;
  return STATUS_RANK[user.status] * RANK_SPAN + (Number.isFinite(time) ? time : 0);
}

/** A row of the table: the API's user (rows built by hand in tests may leave `id` and `inDirectory` out). */
export type TableUser = UserRow & Partial<Pick<ListedUser, "id" | "inDirectory">>;

/** Only events know this user: the table shows the email as the name, with a badge. */
export const notInDirectory = (u: TableUser) => u.inDirectory === false;

/** The name the Name column shows (and sorts on): the directory's, else an event-only user's email. */
export function displayName(u: TableUser): string | null {
  return u.name || (notInDirectory(u) ? u.email || u.username : null) || null;
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
  sortValue(user: TableUser): K | undefined;
  compare(a: K, b: K): number;
  cell: (user: TableUser) => ReactNode;
  /** The whole value, shown in a tooltip when the cell cuts it short. */
  text?: (user: TableUser) => string;
  /** A tooltip the cell always has (Last Active: date added, active days, last activity). */
  tooltip?: (user: TableUser) => ReactNode;
  className?: string;
}

const basic = (a: number, b: number) => (a === b ? 0 : a > b ? 1 : -1);

/** Text columns: natural, case-insensitive order; missing values always last. */
function textColumn(id: SortColumn, header: string, get: (u: TableUser) => string | null, size: number): UserColumn<string> {
  return {
    id,
    header,
    size,
    sortDescFirst: false,
    sortValue: (u) => get(u) || undefined,
    compare: collator.compare,
    cell: (u) => get(u) || "",
    text: (u) => get(u) ?? "",
  };
}

function numberColumn(id: SortColumn, header: string, get: (u: TableUser) => number, size: number): UserColumn<number> {
  return { id, header, size, sortDescFirst: true, sortValue: get, compare: basic, cell: (u) => formatNumber(get(u)), className: "tabular-nums" };
}

const teamsText = (u: TableUser) => (u.teams.length ? [...u.teams].sort(collator.compare).join(", ") : null);

/**
 * A link to the user's page (users.id). Not a tab stop of its own: the table's body is one
 * (roving focus); Enter on the focused cell follows the link (components/users/users-table.tsx).
 */
function userLink(u: TableUser, text: string): ReactNode {
  return u.id === undefined ? (
    text
  ) : (
    <UserPageLink id={u.id} tabIndex={-1}>
      {text}
    </UserPageLink>
  );
}

/** The name opens the user's page; an event-only user's name is their email, with a badge. */
function nameColumn(): UserColumn<string> {
  const base = textColumn("name", "Name", displayName, 200);
  return {
    ...base,
    cell: (u) => {
      const name = displayName(u);
      if (!name) return "";
      return notInDirectory(u) ? (
        <>
          {userLink(u, name)} <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">not in directory</span>
        </>
      ) : (
        userLink(u, name)
      );
    },
    text: (u) => (notInDirectory(u) ? `${displayName(u) ?? ""} (not in directory: known from audit events only)` : (u.name ?? "")),
  };
}

/** The columns shown by default, in the seed's order. */
export function userColumns(multiTenant: boolean, asOfDay?: number): UserColumn[] {
  return [
    nameColumn(),
    textColumn("username", "Username", (u) => u.username, 150),
    // A user without a name to show is opened from the email.
    { ...textColumn("email", "Email", (u) => u.email, 230), cell: (u) => (u.email && !displayName(u) ? userLink(u, u.email) : u.email || "") },
    textColumn("role", "Role", (u) => u.role, 100),
    textColumn("teams", "Teams", teamsText, 160),
    {
      id: "lastActive",
      header: "Last Active",
      size: 210,
      sortDescFirst: true,
      sortValue: lastActiveSortValue,
      compare: basic,
      // Dotted: the cell has a tooltip (date added, active days, last activity).
      cell: (u) => (
        <span className="border-b border-dotted border-slate-400">
          <LastActiveLabel user={u} multiTenant={multiTenant} />
        </span>
      ),
      tooltip: (u) => <LastActiveTooltip user={u} asOfDay={asOfDay} />,
    },
    numberColumn("activeDays", "Number of active days", (u) => u.activeDays, 120),
  ];
}

/** The columns the column chooser adds (after the default ones). */
export function optionalColumns(): Record<OptionalColumn, UserColumn> {
  return {
    runs: numberColumn("runs", "Runs", (u) => u.runs, 90),
    reports: numberColumn("reports", "Reports", (u) => u.reports, 90),
    modelsSeat: textColumn("modelsSeat", "Models Seat", (u) => u.modelsSeat, 120),
  };
}

export const OPTIONAL_COLUMN_LABELS: Record<OptionalColumn, string> = { runs: "Runs", reports: "Reports", modelsSeat: "Models Seat" };

/** The table's columns: the default ones, then the chosen optional ones. */
export function tableColumns(multiTenant: boolean, asOfDay: number | undefined, cols: readonly OptionalColumn[]): UserColumn[] {
  const extra = optionalColumns();
  return [...userColumns(multiTenant, asOfDay), ...cols.map((c) => extra[c])];
}

/**
 * The positions of `users` in the order of `column` (descending when `desc`): each sort value
 * is computed once, missing values go last in both directions, ties keep the given order.
 */
export function sortedOrder(users: readonly TableUser[], column: UserColumn, desc: boolean): number[] {
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

/** The users in the table's order (the "N shown" export writes them so). */
export function inTableOrder<T extends TableUser>(users: readonly T[], columns: readonly UserColumn[], sort: { id: SortColumn; desc: boolean } | null): T[] {
  const column = sort ? columns.find((c) => c.id === sort.id) : undefined;
  return column ? sortedOrder(users, column, sort!.desc).map((i) => users[i]!) : [...users];
}
