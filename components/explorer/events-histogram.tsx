"use client";

import dynamic from "next/dynamic";
import { formatNumber } from "@/components/format";
import { Card, EmptyState, ErrorState, LoadingBlock, Skeleton } from "@/components/ui/states";
import { useHistogramQuery } from "./use-explorer-queries";

// recharts loads only with the chart.
const Chart = dynamic(() => import("./events-histogram-chart"), { ssr: false, loading: () => <Skeleton className="h-full w-full" /> });

const HEIGHT = 180;

/** Matches per day of the query; a range dragged on the chart becomes the query's created: term. */
export function EventsHistogram({ org, q, onRange }: { org: string; q: string; onRange: (from: string, to: string) => void }) {
  const query = useHistogramQuery(org, q);
  const total = query.data?.days.reduce((n, d) => n + d.count, 0) ?? 0;
  return (
    <Card
      title="Events per day (UTC)"
      actions={query.data?.from ? <p className="text-xs text-slate-600">Drag across days to filter by them</p> : undefined}
    >
      <div style={{ height: HEIGHT }}>
        {query.isPending ? (
          <LoadingBlock label="Loading events per day" className="h-full" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} what="events per day" className="h-full" />
        ) : total === 0 ? (
          <EmptyState className="h-full">No events in this range.</EmptyState>
        ) : (
          <figure className="h-full" aria-label={`Events per day from ${query.data.from} to ${query.data.to}: ${formatNumber(total)} events`}>
            <Chart days={query.data.days} height={HEIGHT} onRange={onRange} />
          </figure>
        )}
      </div>
    </Card>
  );
}
