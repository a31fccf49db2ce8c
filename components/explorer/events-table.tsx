"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { EVENT_COLUMNS, eventActor, eventTime } from "./event-columns";
import type { AuditEvent } from "./use-explorer-queries";

const ROW_HEIGHT = 40;
const TOGGLE_WIDTH = 40;
/** Load the next page when the rows in view come this close to the end of the loaded ones. */
const LOAD_AHEAD = 30;

function ChevronIcon({ open }: { open: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className={`h-4 w-4 transition-transform ${open ? "rotate-90" : ""}`}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
    >
      <path d="M7 4l6 6-6 6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The whole event: every key it carries, and its JSON. */
export function EventDetails({ event }: { event: AuditEvent }) {
  const keys = Object.keys(event).sort();
  return (
    <div className="grid gap-4 px-4 py-3 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 text-xs">
        {keys.map((k) => (
          <div key={k} className="contents">
            <dt className="font-mono text-slate-600">{k}</dt>
            <dd className="m-0 font-mono break-all text-slate-900">{typeof event[k] === "string" ? (event[k] as string) : JSON.stringify(event[k])}</dd>
          </div>
        ))}
      </dl>
      <pre aria-label="The event as JSON" className="m-0 max-h-64 overflow-auto rounded-md bg-slate-50 p-3 text-xs text-slate-800">
        {JSON.stringify(event, null, 2)}
      </pre>
    </div>
  );
}

// Memoized: scrolling renders only the rows entering the window.
const EventRows = memo(function EventRows({
  event,
  index,
  open,
  onToggle,
}: {
  event: AuditEvent;
  index: number;
  open: boolean;
  onToggle: (index: number) => void;
}) {
  const detailsId = `event-details-${index}`;
  function onRowClick(e: MouseEvent<HTMLTableRowElement>) {
    // The toggle handles its own clicks; selecting text is not a click on the row.
    if ((e.target as Element).closest("button") || window.getSelection()?.toString()) return;
    onToggle(index);
  }
  return (
    <>
      <tr onClick={onRowClick} style={{ height: ROW_HEIGHT }} className={`cursor-pointer ${open ? "bg-indigo-50/60" : "hover:bg-slate-50"}`}>
        <td className="border-b border-slate-100 px-1">
          <button
            type="button"
            data-row={index}
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            aria-label={`Details of ${event.action} at ${eventTime(event)} UTC${eventActor(event) ? ` by ${eventActor(event)}` : ""}`}
            onClick={() => onToggle(index)}
            className="flex h-8 w-8 items-center justify-center rounded text-slate-600 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <ChevronIcon open={open} />
          </button>
        </td>
        {EVENT_COLUMNS.map((c) => (
          <td key={c.id} className={`truncate border-b border-slate-100 px-3 text-sm text-slate-800 ${c.className ?? ""}`}>
            {c.cell(event)}
          </td>
        ))}
      </tr>
      {open && (
        <tr id={detailsId} className="bg-indigo-50/30">
          <td colSpan={EVENT_COLUMNS.length + 1} className="border-b border-slate-200">
            <EventDetails event={event} />
          </td>
        </tr>
      )}
    </>
  );
});

/**
 * The matching events, newest first, in a real <table> of which only the rows in view are
 * rendered (row heights are measured: an opened row grows). Each row opens to the whole event,
 * with the mouse or from its toggle button (Enter / Space; ArrowUp / ArrowDown move between
 * the toggles). Scrolling near the end asks for the next page. Renders its props.
 */
export default function EventsTable({
  events,
  hasMore,
  loadingMore,
  onLoadMore,
  className = "",
}: {
  events: AuditEvent[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  className?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  // TanStack Virtual returns fresh functions each render; the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: events.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length ? items[0]!.start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= events.length - LOAD_AHEAD) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, events.length, onLoadMore]);

  const toggle = useCallback((index: number) => {
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(index)) next.add(index);
      return next;
    });
  }, []);

  function focusToggle(index: number) {
    const find = () => scrollRef.current?.querySelector<HTMLButtonElement>(`button[data-row="${index}"]`);
    const now = find();
    if (now) return now.focus();
    virtualizer.scrollToIndex(index, { align: "center" });
    let tries = 0;
    const tick = () => {
      const b = find();
      if (b) b.focus();
      else if (tries++ < 20) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const row = (e.target as HTMLElement).dataset.row;
    if (row === undefined || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
    e.preventDefault();
    const next = Number(row) + (e.key === "ArrowDown" ? 1 : -1);
    if (next >= 0 && next < events.length) focusToggle(next);
  }

  const width = TOGGLE_WIDTH + EVENT_COLUMNS.reduce((n, c) => n + c.size, 0);
  return (
    <div
      ref={scrollRef}
      role="region"
      aria-label="Matching events"
      tabIndex={0}
      onKeyDown={onKeyDown}
      className={`overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-600 ${className}`}
    >
      <table aria-label="Events" style={{ minWidth: width }} className="w-full table-fixed border-separate border-spacing-0 text-sm">
        <thead>
          <tr>
            <th scope="col" style={{ width: TOGGLE_WIDTH }} className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-1.5">
              <span className="sr-only">Details</span>
            </th>
            {EVENT_COLUMNS.map((c) => (
              <th
                key={c.id}
                scope="col"
                style={{ width: c.size }}
                className="sticky top-0 z-10 h-10 border-b border-slate-200 bg-slate-50 px-3 text-left text-[13px] font-semibold text-slate-700"
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        {paddingTop > 0 && (
          <tbody aria-hidden="true">
            <tr>
              <td colSpan={EVENT_COLUMNS.length + 1} style={{ height: paddingTop }} />
            </tr>
          </tbody>
        )}
        {items.map((item) => (
          <tbody key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
            <EventRows event={events[item.index]!} index={item.index} open={open.has(item.index)} onToggle={toggle} />
          </tbody>
        ))}
        {paddingBottom > 0 && (
          <tbody aria-hidden="true">
            <tr>
              <td colSpan={EVENT_COLUMNS.length + 1} style={{ height: paddingBottom }} />
            </tr>
          </tbody>
        )}
        {loadingMore && (
          <tbody>
            <tr>
              <td colSpan={EVENT_COLUMNS.length + 1} className="px-3 py-2 text-sm text-slate-600">
                <span role="status">Loading more events…</span>
              </td>
            </tr>
          </tbody>
        )}
      </table>
    </div>
  );
}
