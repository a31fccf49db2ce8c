"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import { formatNumber, formatTimestamp } from "@/components/format";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { exportUrl, useEventsQuery, type ExplorerEvent } from "./use-explorer-queries";

const ROW_HEIGHT = 40;
const DETAIL_HEIGHT = 240;

const COLUMNS: { id: string; header: string; width: string; cell: (e: ExplorerEvent) => string }[] = [
  { id: "time", header: "Time (UTC)", width: "16%", cell: (e) => (typeof e.timestamp === "string" ? formatTimestamp(e.timestamp) : "") },
  { id: "actor", header: "Actor", width: "18%", cell: (e) => String(e.actor_email ?? e.actor_user_id ?? "—") },
  { id: "action", header: "Action", width: "15%", cell: (e) => String(e.action ?? "") },
  { id: "target", header: "Target", width: "15%", cell: (e) => String(e.user_email ?? e.user_asset ?? "—") },
  { id: "where", header: "Team / project", width: "16%", cell: (e) => [e.entity_name, e.project_name].filter((v) => v !== undefined).join(" / ") || "—" },
  { id: "status", header: "Status", width: "7%", cell: (e) => (e.response_code === undefined ? "—" : String(e.response_code)) },
  { id: "ip", header: "IP", width: "13%", cell: (e) => String(e.actor_ip ?? "—") },
];

/** The matches, newest first, pages fetched as the table scrolls; a row opens to the whole event. */
export function EventsTable({ org, q }: { org: string; q: string }) {
  const query = useEventsQuery(org, q);
  const events = useMemo(() => query.data?.pages.flatMap((p) => p.events) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  const [open, setOpen] = useState<number | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (i === open ? ROW_HEIGHT + DETAIL_HEIGHT : ROW_HEIGHT),
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && last >= events.length - 20) void fetchNextPage();
  }, [last, events.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  // A new query starts at the top, rows closed.
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setOpen(null);
  }
  useEffect(() => {
    virtualizer.measure();
  }, [open, virtualizer]);

  const actions = (
    <div className="flex items-center gap-2 text-sm">
      <a href={exportUrl(org, q, "csv")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50" download>
        Export CSV
      </a>
      <a href={exportUrl(org, q, "ndjson")} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50" download>
        Export NDJSON
      </a>
    </div>
  );

  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <Card title="Events" actions={actions} className="min-w-0">
      {query.isPending ? (
        <LoadingBlock label="Loading events" className="h-96" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} what="events" className="h-96" />
      ) : events.length === 0 ? (
        <EmptyState className="h-40">No event matches this filter.</EmptyState>
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-700" role="status">
            {formatNumber(total)} {total === 1 ? "event" : "events"}, newest first
          </p>
          <div ref={scrollRef} className="h-[32rem] overflow-auto rounded-md border border-slate-200" tabIndex={0} aria-label="Events, newest first">
            <table className="w-full table-fixed border-collapse text-sm" aria-rowcount={total + 1}>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.id} scope="col" style={{ width: c.width }} className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-3 py-2 text-left text-[13px] font-semibold text-slate-700">
                      {c.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {before > 0 && <tr aria-hidden="true" style={{ height: before }} />}
                {items.map((item) => {
                  const e = events[item.index]!;
                  const expanded = open === item.index;
                  return (
                    <Fragment key={item.key}>
                      <tr aria-rowindex={item.index + 2} className={`border-b border-slate-100 ${expanded ? "bg-indigo-50/50" : "hover:bg-slate-50"}`} style={{ height: ROW_HEIGHT }}>
                        {COLUMNS.map((c, i) => (
                          <td key={c.id} className="truncate px-3 text-slate-800" title={c.cell(e)}>
                            {i === 0 ? (
                              <button type="button" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : item.index)} className="flex w-full items-center gap-1.5 truncate text-left hover:text-indigo-800 focus-visible:outline-2 focus-visible:outline-indigo-600">
                                <span aria-hidden="true" className="text-xs text-slate-500">
                                  {expanded ? "▾" : "▸"}
                                </span>
                                <span className="truncate">{c.cell(e)}</span>
                              </button>
                            ) : (
                              c.cell(e)
                            )}
                          </td>
                        ))}
                      </tr>
                      {expanded && (
                        <tr className="border-b border-slate-200 bg-slate-50" style={{ height: DETAIL_HEIGHT }}>
                          <td colSpan={COLUMNS.length} className="p-0 align-top">
                            <pre aria-label="The whole event" className="h-full max-h-[15rem] overflow-auto whitespace-pre-wrap break-all px-4 py-3 font-mono text-xs text-slate-800">
                              {JSON.stringify(e, null, 2)}
                            </pre>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
                {after > 0 && <tr aria-hidden="true" style={{ height: after }} />}
              </tbody>
            </table>
          </div>
          {isFetchingNextPage && (
            <p className="mt-2 text-xs text-slate-600" role="status">
              Loading more events…
            </p>
          )}
        </>
      )}
    </Card>
  );
}
