"use client";

import { useMemo } from "react";
import { isOngoingRange, weeklyChartPoints } from "@/lib/activity/partial";
import type { PanelRange } from "@/lib/activity/types";
import { parseDate } from "@/lib/audit/timestamp";
import { formatDate, formatNumber } from "@/components/format";
import { Select } from "@/components/ui/select";
import { EmptyState, ErrorState, LoadingBlock, Skeleton } from "@/components/ui/states";
import { LazyWeeklyActiveChart } from "./charts/lazy-charts";
import { MostActiveList } from "./most-active-list";
import { WeeklyTable } from "./weekly-table";
import { RANGE_OPTIONS } from "./options";
import { usePanelQuery } from "./use-panel-query";

const CHART_HEIGHT = 290;
const BODY_HEIGHT = "lg:h-[340px]";

/** The Activity panel: active user count, weekly active users and the most active users of a 7/30/90-day range. */
export function ActivityPanel({
  range,
  asOf,
  today,
  onRangeChange,
}: {
  range: PanelRange;
  asOf?: string;
  today: string;
  onRangeChange: (r: PanelRange) => void;
}) {
  const query = usePanelQuery(range, asOf);
  const data = query.data;
  const todayDay = parseDate(today) ?? 0;
  const weekly = useMemo(() => (data ? weeklyChartPoints(data.weekly, data, todayDay) : []), [data, todayDay]);
  const ongoing = data ? isOngoingRange({ from: parseDate(data.from) ?? 0, to: parseDate(data.to) ?? 0 }, todayDay) : false;
  const dim = query.isPlaceholderData ? "opacity-60" : "";
  return (
    <section aria-labelledby="activity-panel-title" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-4 flex min-h-8 flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="activity-panel-title" className="text-base font-semibold">
            Activity panel
          </h2>
          <p className="h-5 text-sm text-slate-600">{data ? `${formatDate(data.from)} – ${formatDate(data.to)}` : ""}</p>
        </div>
        <Select label="Date range" value={`${range}`} options={RANGE_OPTIONS} onChange={(v) => onRangeChange(Number(v) as PanelRange)} />
      </div>
      {query.isError && !data ? (
        <ErrorState what="the activity panel" error={query.error} onRetry={() => void query.refetch()} className={BODY_HEIGHT} />
      ) : (
        <div
          aria-busy={!data || query.isPlaceholderData}
          className={`grid grid-cols-1 gap-6 lg:grid-cols-[170px_minmax(0,1fr)_minmax(0,1fr)] ${BODY_HEIGHT} ${dim}`}
        >
          <div aria-labelledby="active-user-count-title" role="group">
            <h3 id="active-user-count-title" className="text-sm font-medium text-slate-700">
              Active user count
            </h3>
            {data ? (
              <p className="mt-2 text-4xl font-semibold tabular-nums" data-testid="active-user-count">
                {formatNumber(data.activeUserCount)}
              </p>
            ) : (
              <Skeleton className="mt-2 h-10 w-20" />
            )}
            <p className="mt-1 text-sm text-slate-600">unique users in the last {range} days</p>
            {ongoing && <p className="mt-1 text-sm text-amber-800">Partial: includes today, which is not over</p>}
          </div>
          <div role="group" aria-labelledby="weekly-active-title">
            <div className="mb-2 flex items-baseline justify-between gap-2">
              <h3 id="weekly-active-title" className="text-sm font-medium text-slate-700">
                Weekly active users
              </h3>
              {weekly.some((w) => w.partial) && (
                <p className="flex items-center gap-1.5 text-xs text-slate-600">
                  <span
                    aria-hidden="true"
                    className="inline-block h-3 w-3 rounded-sm border border-dashed border-indigo-600 bg-[repeating-linear-gradient(45deg,#4f46e5_0_2px,#e0e7ff_2px_5px)]"
                  />
                  Hatched: partial week
                </p>
              )}
            </div>
            <div style={{ height: CHART_HEIGHT }}>
              {!data ? (
                <LoadingBlock label="Loading weekly active users…" className="h-full" />
              ) : data.activeUserCount === 0 ? (
                <EmptyState className="h-full">No activity in this period</EmptyState>
              ) : (
                <>
                  <LazyWeeklyActiveChart weekly={weekly} from={data.from} to={data.to} height={CHART_HEIGHT} />
                  <WeeklyTable weekly={weekly} />
                </>
              )}
            </div>
          </div>
          <div role="group" aria-labelledby="most-active-title" className="min-h-0">
            <h3 id="most-active-title" className="mb-2 text-sm font-medium text-slate-700">
              Most active users
            </h3>
            {!data ? (
              <LoadingBlock label="Loading most active users…" className="h-48" />
            ) : data.mostActive.length === 0 ? (
              <EmptyState className="h-48">No activity in this period</EmptyState>
            ) : (
              <MostActiveList users={data.mostActive} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
