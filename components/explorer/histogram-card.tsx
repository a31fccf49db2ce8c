"use client";

import dynamic from "next/dynamic";
import { useId } from "react";
import { formatDate, formatNumber } from "@/components/format";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadingBlock, Skeleton } from "@/components/ui/states";
import { hasCreated } from "./query-text";
import { indexingMessage, useHistogramQuery, type HistogramResponse } from "./use-explorer-queries";

const CHART_HEIGHT = 160;

// recharts loads only with the chart, after the page is interactive.
const LazyHistogramChart = dynamic(() => import("./events-histogram-chart"), { ssr: false, loading: () => <Skeleton className="h-full w-full" /> });

/** What the chart shows, in words (for screen readers, and as the figure's caption). */
export function histogramSummary(h: HistogramResponse): string {
  if (h.from === null || h.to === null || h.days.length === 0) return "No events in this range.";
  const total = h.days.reduce((n, d) => n + d.count, 0);
  const busiest = h.days.reduce((a, d) => (d.count > a.count ? d : a), h.days[0]!);
  const range = h.from === h.to ? formatDate(h.from) : `${formatDate(h.from)} to ${formatDate(h.to)}`;
  return `${formatNumber(total)} ${total === 1 ? "event" : "events"} from ${range}${total > 0 ? `; the busiest day is ${formatDate(busiest.date)} with ${formatNumber(busiest.count)}` : ""}.`;
}

/** Matches per day; dragging across days sets `created:`, "All dates" removes it. */
export function HistogramCard({
  org,
  q,
  onRange,
  onClearDates,
}: {
  org: string;
  q: string;
  onRange: (from: string, to: string) => void;
  onClearDates: () => void;
}) {
  const id = useId();
  const histogram = useHistogramQuery(org, q);
  let body;
  if (histogram.isPending) {
    body = <LoadingBlock label={indexingMessage(histogram.failureReason) ?? "Loading the chart…"} className="h-full" />;
  } else if (histogram.isError) {
    body = <ErrorState what="the chart" error={histogram.error} onRetry={() => void histogram.refetch()} className="h-full" />;
  } else if (histogram.data.days.length === 0) {
    body = <EmptyState className="h-full">No events</EmptyState>;
  } else {
    body = <LazyHistogramChart days={histogram.data.days} height={CHART_HEIGHT} onRange={onRange} />;
  }
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h2 id={id} className="text-base font-semibold text-slate-900">
            Matches per day
          </h2>
          <p className="text-xs text-slate-600">UTC days. Drag across the bars (or click one) to keep only those days.</p>
        </div>
        {hasCreated(q) && (
          <Button onClick={onClearDates} className="h-8">
            All dates
          </Button>
        )}
      </div>
      <figure className="m-0">
        <div style={{ height: CHART_HEIGHT }} data-testid="events-histogram">
          {body}
        </div>
        <figcaption aria-live="polite" className="mt-1 text-xs text-slate-600">
          {histogram.data ? histogramSummary(histogram.data) : "\u00a0"}
        </figcaption>
      </figure>
    </section>
  );
}
