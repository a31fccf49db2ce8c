import type { ColumnDef } from "@tanstack/react-table";
import type { UserRow, UserStatus } from "@/lib/activity/types";
import type { SortColumn } from "@/components/dashboard/use-dashboard-params";
import { formatNumber } from "@/components/format";
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

/** Text columns: natural, case-insensitive order; missing values always last. */
function textColumn(id: SortColumn, header: string, get: (u: UserRow) => string | null, size: number): ColumnDef<UserRow> {
  return {
    id,
    header,
    size,
    accessorFn: (u) => get(u) || undefined,
    sortUndefined: "last",
    sortingFn: (a, b, columnId) => collator.compare(a.getValue<string>(columnId), b.getValue<string>(columnId)),
    cell: (info) => info.getValue<string | undefined>() ?? "",
  };
}

export function userColumns(multiTenant: boolean): ColumnDef<UserRow>[] {
  return [
    textColumn("name", "Name", (u) => u.name, 190),
    textColumn("username", "Username", (u) => u.username, 150),
    textColumn("email", "Email", (u) => u.email, 230),
    textColumn("role", "Role", (u) => u.role, 100),
    textColumn("teams", "Teams", (u) => (u.teams.length ? [...u.teams].sort(collator.compare).join(", ") : null), 160),
    {
      id: "lastActive",
      header: "Last Active",
      size: 210,
      accessorFn: lastActiveSortValue,
      sortingFn: "basic",
      sortDescFirst: true,
      cell: (info) => <LastActiveCell user={info.row.original} multiTenant={multiTenant} />,
    },
    {
      id: "activeDays",
      header: "Number of active days",
      size: 120,
      accessorKey: "activeDays",
      sortingFn: "basic",
      sortDescFirst: true,
      cell: (info) => formatNumber(info.getValue<number>()),
    },
  ];
}
