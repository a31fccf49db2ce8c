"use client";

import { isOngoingRange } from "@/lib/activity/partial";
import { parseDate } from "@/lib/audit/timestamp";
import { formatDate, formatNumber } from "@/components/format";
import { Select } from "@/components/ui/select";
import { Card, ErrorState, Skeleton } from "@/components/ui/states";
import { PERIOD_OPTIONS } from "./options";
import { useActivityQuery, type PeriodCardProps } from "./use-activity-query";

/** "Total active users": distinct users active in the selected period. */
export function TotalActiveUsersCard({ period, asOf, today, onPeriodChange }: PeriodCardProps) {
  const query = useActivityQuery(period, asOf);
  const data = query.data;
  const ongoing = data ? isOngoingRange({ from: parseDate(data.from) ?? 0, to: parseDate(data.to) ?? 0 }, parseDate(today) ?? 0) : false;
  return (
    <Card
      title="Total active users"
      actions={<Select label="Total active users period" hideLabel value={period} options={PERIOD_OPTIONS} onChange={onPeriodChange} />}
    >
      <div className="flex h-[244px] flex-col justify-center">
        {query.isError && !data ? (
          <ErrorState what="total active users" error={query.error} onRetry={() => void query.refetch()} className="h-full p-2" />
        ) : !data ? (
          <div role="status" className="space-y-2">
            <span className="sr-only">Loading total active users…</span>
            <Skeleton className="h-10 w-24" />
            <Skeleton className="h-4 w-48" />
          </div>
        ) : (
          <div aria-busy={query.isPlaceholderData} className={query.isPlaceholderData ? "opacity-60" : ""}>
            <p className="text-5xl font-semibold tabular-nums text-slate-900" data-testid="total-active-users">
              {formatNumber(data.totalActiveUsers)}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              Unique active users, {formatDate(data.from)} – {formatDate(data.to)}
            </p>
            {ongoing && <p className="mt-1 text-sm text-amber-800">Partial: includes today, which is not over</p>}
            {data.totalActiveUsers === 0 && <p className="mt-1 text-sm text-slate-600">No activity in this period</p>}
          </div>
        )}
      </div>
    </Card>
  );
}
