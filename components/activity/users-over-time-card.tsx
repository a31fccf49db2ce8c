"use client";

import { useMemo } from "react";
import { dailyChartPoints } from "@/lib/activity/partial";
import { parseDate } from "@/lib/audit/timestamp";
import { formatDate } from "@/components/format";
import { Select } from "@/components/ui/select";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { LazyUsersOverTimeChart } from "./charts/lazy-charts";
import { PERIOD_OPTIONS } from "./options";
import { useActivityQuery, type PeriodCardProps } from "./use-activity-query";

const CHART_HEIGHT = 220;

/** "Users active over time": one point per day of the selected period. */
export function UsersOverTimeCard({ period, asOf, today, onPeriodChange }: PeriodCardProps) {
  const query = useActivityQuery(period, asOf);
  const data = query.data;
  const points = useMemo(() => (data ? dailyChartPoints(data.series, parseDate(today) ?? 0) : []), [data, today]);
  const unfinished = points.find((p) => p.note);
  const peak = data?.series.reduce((best, p) => (p.activeUsers > best.activeUsers ? p : best), { date: "", activeUsers: 0 });
  return (
    <Card
      title="Users active over time"
      actions={<Select label="Users active over time period" hideLabel value={period} options={PERIOD_OPTIONS} onChange={onPeriodChange} />}
    >
      {/* 24 px for the caption, 40 px below 640 px wide where it takes two lines. */}
      <div className="h-[260px] sm:h-[244px]">
        {query.isError && !data ? (
          <ErrorState what="users active over time" error={query.error} onRetry={() => void query.refetch()} className="h-full" />
        ) : !data ? (
          <LoadingBlock label="Loading users active over time…" className="h-full" />
        ) : data.series.every((p) => p.activeUsers === 0) ? (
          <EmptyState className="h-full">No activity in this period</EmptyState>
        ) : (
          <figure aria-busy={query.isPlaceholderData} className={`h-full ${query.isPlaceholderData ? "opacity-60" : ""}`}>
            <figcaption className="mb-2 h-8 overflow-hidden text-xs text-slate-600 sm:h-4 sm:truncate">
              Daily active users, {formatDate(data.from)} – {formatDate(data.to)}
              {unfinished && (
                <span className="text-amber-800">
                  ; <span aria-hidden="true">dashed: </span>
                  {formatDate(unfinished.date)} is partial (today is not over)
                </span>
              )}
              {peak && peak.activeUsers > 0 && `; peak ${peak.activeUsers} on ${formatDate(peak.date)}`}
            </figcaption>
            <div style={{ height: CHART_HEIGHT }}>
              <LazyUsersOverTimeChart points={points} height={CHART_HEIGHT} />
            </div>
          </figure>
        )}
      </div>
    </Card>
  );
}
