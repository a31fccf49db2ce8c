"use client";

import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type Header, type Row } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useMemo, useRef } from "react";
import type { UserRow } from "@/lib/activity/types";
import type { SortColumn, SortState } from "@/components/dashboard/use-dashboard-params";
import { userColumns } from "./user-columns";

const ROW_HEIGHT = 44;

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <span aria-hidden="true" className={`text-xs ${direction ? "text-indigo-700" : "text-slate-400"}`}>
      {direction === "asc" ? "▲" : direction === "desc" ? "▼" : "↕"}
    </span>
  );
}

function HeaderCell({ header, onSort }: { header: Header<UserRow, unknown>; onSort: (id: SortColumn) => void }) {
  const direction = header.column.getIsSorted();
  return (
    <th
      scope="col"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
      style={{ width: header.getSize() }}
      className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-3 py-0 text-left align-middle text-[13px] font-semibold text-slate-700"
    >
      <button
        type="button"
        onClick={() => onSort(header.column.id as SortColumn)}
        className="-mx-1 flex min-h-11 w-[calc(100%+0.5rem)] items-center gap-1.5 rounded px-1 py-1 text-left leading-tight hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span>{flexRender(header.column.columnDef.header, header.getContext())}</span>
        <SortIcon direction={direction} />
      </button>
    </th>
  );
}

// Memoized: while scrolling, only rows entering the window render; the others are untouched.
const UserTableRow = memo(function UserTableRow({ row, rowIndex }: { row: Row<UserRow>; rowIndex: number }) {
  return (
    <tr aria-rowindex={rowIndex} style={{ height: ROW_HEIGHT }} className="hover:bg-slate-50">
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} className={`truncate border-b border-slate-100 px-3 text-slate-800 ${cell.column.id === "activeDays" ? "tabular-nums" : ""}`}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );
});

/**
 * The users table: a real <table> whose off-screen rows are replaced by two spacer rows, so
 * 10,000 users scroll and sort without rendering 70,000 cells. Renders props only.
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
  const sorting = useMemo(() => (sort ? [sort] : []), [sort]);
  // TanStack Table returns fresh functions each render; the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: users,
    columns,
    state: { sorting },
    manualSorting: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length ? items[0]!.start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const columnCount = columns.length;

  function onSort(id: SortColumn) {
    const column = table.getColumn(id);
    const firstDesc = column?.columnDef.sortDescFirst ?? false;
    // First click: the column's natural direction; later clicks flip it.
    const desc = sort?.id === id ? !sort.desc : firstDesc;
    onSortChange({ id, desc });
  }

  return (
    <div ref={scrollRef} role="region" aria-label={`${label} table`} tabIndex={0} className={`overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-600 ${className}`}>
      <table aria-label={label} aria-rowcount={rows.length + 1} className="w-full min-w-[1060px] table-fixed border-separate border-spacing-0 text-sm">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} onSort={onSort} />
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingTop }} />
            </tr>
          )}
          {items.map((item) => (
            <UserTableRow key={rows[item.index]!.id} row={rows[item.index]!} rowIndex={item.index + 2} />
          ))}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
