"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useMemo, useRef } from "react";
import type { UserRow } from "@/lib/activity/types";
import type { SortColumn, SortState } from "@/components/dashboard/use-dashboard-params";
import { sortedOrder, userColumns, type UserColumn } from "./user-columns";

const ROW_HEIGHT = 44;

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <span aria-hidden="true" className={`text-xs ${direction ? "text-indigo-700" : "text-slate-400"}`}>
      {direction === "asc" ? "▲" : direction === "desc" ? "▼" : "↕"}
    </span>
  );
}

function HeaderCell({ column, direction, onSort }: { column: UserColumn; direction: false | "asc" | "desc"; onSort: (id: SortColumn) => void }) {
  return (
    <th
      scope="col"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
      style={{ width: column.size }}
      className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-3 py-0 text-left align-middle text-[13px] font-semibold text-slate-700"
    >
      <button
        type="button"
        onClick={() => onSort(column.id)}
        className="-mx-1 flex min-h-11 w-[calc(100%+0.5rem)] items-center gap-1.5 rounded px-1 py-1 text-left leading-tight hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span>{column.header}</span>
        <SortIcon direction={direction} />
      </button>
    </th>
  );
}

// Memoized: while scrolling, only rows entering the window render; the others are untouched.
const UserTableRow = memo(function UserTableRow({ user, columns, rowIndex }: { user: UserRow; columns: UserColumn[]; rowIndex: number }) {
  return (
    <tr aria-rowindex={rowIndex} style={{ height: ROW_HEIGHT }} className="hover:bg-slate-50">
      {columns.map((column) => (
        <td key={column.id} className={`truncate border-b border-slate-100 px-3 text-slate-800 ${column.className ?? ""}`}>
          {column.cell(user)}
        </td>
      ))}
    </tr>
  );
});

/**
 * The users table: a real <table> whose off-screen rows are replaced by two spacer rows, so
 * 10,000 users scroll and sort without rendering 70,000 cells. Renders props only.
 *
 * No per-user row objects: a sort computes each user's sort value once and orders positions,
 * and only the rows in view are rendered (a row model of 10,000 users cost ~0.3 s of the
 * page's first render, most of it allocation and GC).
 */
export function UsersTable({
  users,
  sort,
  onSortChange,
  multiTenant,
  label,
  className = "",
}: {
  users: UserRow[];
  sort: SortState | null;
  onSortChange: (sort: SortState) => void;
  multiTenant: boolean;
  label: string;
  className?: string;
}) {
  const columns = useMemo(() => userColumns(multiTenant), [multiTenant]);
  const sortColumn = sort ? columns.find((c) => c.id === sort.id) : undefined;
  const desc = sort?.desc ?? false;
  const order = useMemo(() => (sortColumn ? sortedOrder(users, sortColumn, desc) : null), [users, sortColumn, desc]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns fresh functions each render; the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: users.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length ? items[0]!.start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  function onSort(id: SortColumn) {
    const column = columns.find((c) => c.id === id);
    // First click: the column's natural direction; later clicks flip it.
    const nextDesc = sort?.id === id ? !sort.desc : (column?.sortDescFirst ?? false);
    onSortChange({ id, desc: nextDesc });
  }

  return (
    <div ref={scrollRef} role="region" aria-label={`${label} table`} tabIndex={0} className={`overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-600 ${className}`}>
      <table aria-label={label} aria-rowcount={users.length + 1} className="w-full min-w-[1060px] table-fixed border-separate border-spacing-0 text-sm">
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => (
              <HeaderCell key={column.id} column={column} direction={sortColumn === column ? (desc ? "desc" : "asc") : false} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingTop }} />
            </tr>
          )}
          {items.map((item) => {
            // The key is the user's position in `users`: a re-sort moves rows, it does not remake them.
            const at = order ? order[item.index]! : item.index;
            return <UserTableRow key={at} user={users[at]!} columns={columns} rowIndex={item.index + 2} />;
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
