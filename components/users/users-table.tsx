"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import {
  memo,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from "react";
import type { SortColumn, SortState } from "@/components/dashboard/use-dashboard-params";
import { sortedOrder, type TableUser, type UserColumn } from "./user-columns";

const ROW_HEIGHT = 44;
/** Rows PageUp / PageDown move. */
const PAGE_ROWS = 10;

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <span aria-hidden="true" className={`text-xs ${direction ? "text-indigo-700" : "text-slate-400"}`}>
      {direction === "asc" ? "▲" : direction === "desc" ? "▼" : "↕"}
    </span>
  );
}

// The first column stays in view while the table scrolls sideways (small screens).
const STICKY_FIRST = "sticky left-0 shadow-[1px_0_0_0_#e2e8f0]";

function HeaderCell({
  column,
  first,
  direction,
  onSort,
}: {
  column: UserColumn;
  first: boolean;
  direction: false | "asc" | "desc";
  onSort: (id: SortColumn) => void;
}) {
  return (
    <th
      scope="col"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
      style={{ width: column.size }}
      className={`sticky top-0 border-b border-slate-200 bg-slate-50 px-3 py-0 text-left align-middle text-[13px] font-semibold text-slate-700 ${first ? `${STICKY_FIRST} z-20` : "z-10"}`}
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

// Memoized: while scrolling or moving the keyboard focus, only the rows whose props change render.
// A row is cheap: plain cells, no state; tooltips and focus are handled once, by the table.
const UserTableRow = memo(function UserTableRow({
  user,
  columns,
  index,
  tabCol,
}: {
  user: TableUser;
  columns: UserColumn[];
  index: number;
  tabCol: number | null;
}) {
  return (
    <tr aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }} className="group">
      {columns.map((column, c) => (
        <td
          key={column.id}
          data-row={index}
          data-col={c}
          tabIndex={tabCol === c ? 0 : -1}
          className={`truncate border-b border-slate-100 px-3 text-slate-800 group-hover:bg-slate-50 focus:outline-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 ${c === 0 ? `${STICKY_FIRST} z-[1] bg-white` : ""} ${column.className ?? ""}`}
        >
          {column.cell(user)}
        </td>
      ))}
    </tr>
  );
});

interface Tip {
  cell: HTMLElement;
  content: ReactNode;
  style: CSSProperties;
}

const cellOf = (target: EventTarget | null): HTMLElement | null => (target instanceof Element ? target.closest<HTMLElement>("td[data-col]") : null);

function tipStyle(cell: HTMLElement): CSSProperties {
  const rect = cell.getBoundingClientRect();
  const below = rect.bottom + 96 < window.innerHeight;
  const left = Math.max(8, Math.min(rect.left, window.innerWidth - 360));
  return below ? { top: rect.bottom + 6, left } : { bottom: window.innerHeight - rect.top + 6, left };
}

/**
 * The users table: a real <table> whose off-screen rows are replaced by two spacer rows, so
 * 10,000 users scroll and sort without rendering 70,000 cells. Renders props only.
 *
 * No per-user row objects: a sort computes each user's sort value once and orders positions,
 * and only the rows in view are rendered (a row model of 10,000 users cost ~0.3 s of the
 * page's first render, most of it allocation and GC).
 *
 * Keyboard: the body is one tab stop (roving focus on its cells). Up/Down move between rows,
 * Left/Right between a row's cells, Home/End to the row's first/last cell, Ctrl+Home/End to the
 * first/last row, PageUp/PageDown ten rows, Enter follows the cell's link (the user page; links in
 * cells are no tab stops of their own). A cell cut short shows its whole value on hover
 * and on focus; Last Active always has its tooltip. Escape closes a tooltip.
 */
export function UsersTable({
  users,
  columns,
  sort,
  onSortChange,
  label,
  className = "",
}: {
  users: TableUser[];
  columns: UserColumn[];
  sort: SortState | null;
  onSortChange: (sort: SortState) => void;
  label: string;
  className?: string;
}) {
  const sortColumn = sort ? columns.find((c) => c.id === sort.id) : undefined;
  const desc = sort?.desc ?? false;
  const order = useMemo(() => (sortColumn ? sortedOrder(users, sortColumn, desc) : null), [users, sortColumn, desc]);
  const userAt = (row: number) => users[order ? order[row]! : row]!;

  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  // TanStack Virtual returns fresh functions each render; the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: users.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length ? items[0]!.start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  // The cell that holds the body's tab stop (row in display order, column index).
  const [active, setActive] = useState({ row: 0, col: 0 });
  const row = Math.min(active.row, Math.max(0, users.length - 1));
  const col = Math.min(active.col, columns.length - 1);
  // When that row is scrolled away, the first row in view takes the tab stop.
  const scrollTop = virtualizer.scrollOffset ?? 0;
  const tabRow = items.some((i) => i.index === row) ? row : (items.find((i) => i.start >= scrollTop)?.index ?? items[0]?.index ?? 0);

  const tipId = useId();
  const [tip, setTip] = useState<Tip | null>(null);
  const hovered = useRef<HTMLElement | null>(null);
  const focused = useRef<HTMLElement | null>(null);

  function tipContent(cell: HTMLElement): ReactNode | null {
    const column = columns[Number(cell.dataset.col)];
    const r = Number(cell.dataset.row);
    if (!column || !(r < users.length)) return null;
    if (column.tooltip) return column.tooltip(userAt(r));
    // Only a value the cell cuts short gets a tooltip: its whole text.
    if (column.text && cell.scrollWidth > cell.clientWidth) return column.text(userAt(r));
    return null;
  }

  function showFor(cell: HTMLElement | null) {
    const content = cell ? tipContent(cell) : null;
    setTip(cell && content !== null ? { cell, content, style: tipStyle(cell) } : null);
  }

  useEffect(() => {
    if (!tip) return;
    const onKey = (e: globalThis.KeyboardEvent) => e.key === "Escape" && setTip(null);
    // Follow the cell while the table or the page scrolls; hide it once the cell leaves the view.
    const onScroll = () => {
      const box = scrollRef.current?.getBoundingClientRect();
      const rect = tip.cell.getBoundingClientRect();
      if (!tip.cell.isConnected || !box || rect.bottom < box.top + ROW_HEIGHT || rect.top > box.bottom) setTip(null);
      else setTip((t) => (t ? { ...t, style: tipStyle(t.cell) } : t));
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener("scroll", onScroll, true);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("scroll", onScroll, true);
    };
  }, [tip]);

  function onBodyFocus(event: FocusEvent<HTMLTableSectionElement>) {
    const cell = cellOf(event.target);
    if (!cell) return;
    focused.current = cell;
    setActive({ row: Number(cell.dataset.row), col: Number(cell.dataset.col) });
    const content = tipContent(cell);
    if (content !== null) {
      cell.setAttribute("aria-describedby", tipId);
      setTip({ cell, content, style: tipStyle(cell) });
    } else if (!hovered.current) setTip(null);
  }

  function onBodyBlur(event: FocusEvent<HTMLTableSectionElement>) {
    const cell = cellOf(event.target);
    cell?.removeAttribute("aria-describedby");
    focused.current = null;
    showFor(hovered.current);
  }

  function onBodyMouseOver(event: MouseEvent<HTMLTableSectionElement>) {
    const cell = cellOf(event.target);
    if (!cell || cell === hovered.current) return;
    hovered.current = cell;
    showFor(cell);
  }

  function onBodyMouseLeave() {
    hovered.current = null;
    showFor(focused.current);
  }

  function focusCell(r: number, c: number) {
    const find = () => bodyRef.current?.querySelector<HTMLElement>(`td[data-row="${r}"][data-col="${c}"]`);
    setActive({ row: r, col: c });
    const now = find();
    if (now) return now.focus();
    // Not rendered yet: scroll there, then focus once the virtualizer has drawn it.
    virtualizer.scrollToIndex(r, { align: "center" });
    let tries = 0;
    const tick = () => {
      const cell = find();
      if (cell) cell.focus();
      else if (tries++ < 20) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function onBodyKeyDown(event: KeyboardEvent<HTMLTableSectionElement>) {
    const cell = cellOf(event.target);
    if (!cell) return;
    // A cell's link (the user page) is no tab stop of its own: Enter on the cell follows it.
    const link = event.key === "Enter" && event.target === cell ? cell.querySelector<HTMLAnchorElement>("a[href]") : null;
    if (link) {
      event.preventDefault();
      link.click();
      return;
    }
    const r = Number(cell.dataset.row);
    const c = Number(cell.dataset.col);
    const last = users.length - 1;
    const lastCol = columns.length - 1;
    const ctrl = event.ctrlKey || event.metaKey;
    let next: [number, number] | null = null;
    if (event.key === "ArrowDown") next = [Math.min(r + 1, last), c];
    else if (event.key === "ArrowUp") next = [Math.max(r - 1, 0), c];
    else if (event.key === "ArrowRight") next = [r, Math.min(c + 1, lastCol)];
    else if (event.key === "ArrowLeft") next = [r, Math.max(c - 1, 0)];
    else if (event.key === "Home") next = ctrl ? [0, c] : [r, 0];
    else if (event.key === "End") next = ctrl ? [last, c] : [r, lastCol];
    else if (event.key === "PageDown") next = [Math.min(r + PAGE_ROWS, last), c];
    else if (event.key === "PageUp") next = [Math.max(r - PAGE_ROWS, 0), c];
    if (!next) return;
    event.preventDefault();
    focusCell(next[0], next[1]);
  }

  function onSort(id: SortColumn) {
    const column = columns.find((c) => c.id === id);
    // First click: the column's natural direction; later clicks flip it.
    const nextDesc = sort?.id === id ? !sort.desc : (column?.sortDescFirst ?? false);
    onSortChange({ id, desc: nextDesc });
  }

  const width = columns.reduce((sum, c) => sum + c.size, 0);
  return (
    <div
      ref={scrollRef}
      role="region"
      aria-label={`${label} table`}
      className={`relative scroll-pt-12 overflow-auto rounded-lg border border-slate-200 bg-white ${className}`}
    >
      <table
        aria-label={label}
        aria-rowcount={users.length + 1}
        style={{ minWidth: width }}
        className="w-full table-fixed border-separate border-spacing-0 text-sm"
      >
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column, i) => (
              <HeaderCell key={column.id} column={column} first={i === 0} direction={sortColumn === column ? (desc ? "desc" : "asc") : false} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody ref={bodyRef} onFocus={onBodyFocus} onBlur={onBodyBlur} onKeyDown={onBodyKeyDown} onMouseOver={onBodyMouseOver} onMouseLeave={onBodyMouseLeave}>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingTop }} />
            </tr>
          )}
          {items.map((item) => {
            // The key is the user's position in `users`: a re-sort moves rows, it does not remake them.
            const at = order ? order[item.index]! : item.index;
            return <UserTableRow key={at} user={users[at]!} columns={columns} index={item.index} tabCol={item.index === tabRow ? col : null} />;
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingBottom }} />
            </tr>
          )}
        </tbody>
      </table>
      {tip && (
        <div
          role="tooltip"
          id={tipId}
          style={tip.style}
          className="pointer-events-none fixed z-40 max-w-[340px] rounded-md bg-slate-900 px-3 py-2 text-xs leading-5 whitespace-pre-wrap break-words text-white shadow-lg"
        >
          {tip.content}
        </div>
      )}
    </div>
  );
}
