"use client";

import type { InfiniteData, UseInfiniteQueryResult } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useCallback, useId, useMemo } from "react";
import { formatNumber } from "@/components/format";
import { EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { exportUrl, indexingMessage, type EventsResponse } from "./use-explorer-queries";

const TABLE_HEIGHT = "h-[max(420px,calc(100vh-420px))]";

// The table's code (and the virtualizer) load beside the first page of events.
const LazyEventsTable = dynamic(() => import("./events-table"), {
  ssr: false,
  loading: () => <LoadingBlock label="Loading the table…" className={`rounded-lg border border-slate-200 bg-white p-4 ${TABLE_HEIGHT}`} />,
});

const EXPORT_LINK =
  "inline-flex h-8 items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** Every match of the query as a file (oldest first), streamed by the browser: plain links. */
export function ExportLinks({ org, q }: { org: string; q: string }) {
  return (
    <div role="group" aria-label="Export the matches" className="flex items-center gap-2">
      <a href={exportUrl(org, q, "ndjson")} download className={EXPORT_LINK} title="Every matching event, oldest first, one JSON object a line">
        Export NDJSON
      </a>
      <a href={exportUrl(org, q, "csv")} download className={EXPORT_LINK} title="Every matching event, oldest first, one column per schema key">
        Export CSV
      </a>
    </div>
  );
}

/** The matching events: their number, the export links and the table, with loading, empty and error states. */
export function EventsResults({ org, q, events }: { org: string; q: string; events: UseInfiniteQueryResult<InfiniteData<EventsResponse>> }) {
  const id = useId();
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.events) ?? [], [events.data]);
  const total = events.data?.pages[0]?.total;
  const { fetchNextPage } = events;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  let body;
  if (events.isPending) {
    body = (
      <LoadingBlock
        label={indexingMessage(events.failureReason) ?? "Loading events…"}
        className={`rounded-lg border border-slate-200 bg-white p-4 ${TABLE_HEIGHT}`}
      />
    );
  } else if (events.isError) {
    body = <ErrorState what="the events" error={events.error} onRetry={() => void events.refetch()} className={TABLE_HEIGHT} />;
  } else if (rows.length === 0) {
    body = (
      <EmptyState className={TABLE_HEIGHT}>
        {q.trim()
          ? "No events match this query. Remove a term, or widen its dates."
          : "This organization has no events yet. Upload an audit log on the Data page."}
      </EmptyState>
    );
  } else {
    body = (
      <LazyEventsTable events={rows} hasMore={events.hasNextPage} loadingMore={events.isFetchingNextPage} onLoadMore={loadMore} className={TABLE_HEIGHT} />
    );
  }

  return (
    <section aria-labelledby={id}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-baseline gap-3">
          <h2 id={id} className="text-base font-semibold text-slate-900">
            Events
          </h2>
          <p className="text-sm text-slate-600">
            <span aria-live="polite" data-testid="events-total">
              {total !== undefined && (total === 1 ? "1 matching event" : `${formatNumber(total)} matching events`)}
              {total !== undefined && total > 0 && ", newest first"}
            </span>
            {total !== undefined && rows.length < total && ` (${formatNumber(rows.length)} loaded)`}
          </p>
        </div>
        <ExportLinks org={org} q={q} />
      </div>
      {body}
    </section>
  );
}
