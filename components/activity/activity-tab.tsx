"use client";

import type { PanelRange, Period } from "@/lib/activity/types";
import { EmptyOrgBanner } from "@/components/data/empty-org-banner";
import { ActivityPanel } from "./activity-panel";
import { TotalActiveUsersCard } from "./total-active-users-card";
import { UsersOverTimeCard } from "./users-over-time-card";

export function ActivityTab({
  period,
  trend,
  range,
  asOf,
  today,
  onChange,
}: {
  period: Period;
  trend: Period;
  range: PanelRange;
  asOf?: string;
  /** The server's today (`YYYY-MM-DD`): marks what is not over. */
  today: string;
  onChange: (patch: { period?: Period; trend?: Period; range?: PanelRange }) => void;
}) {
  return (
    <div className="space-y-5">
      <EmptyOrgBanner />
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-[400px_minmax(0,1fr)] 2xl:grid-cols-[480px_minmax(0,1fr)]">
        <TotalActiveUsersCard period={period} asOf={asOf} today={today} onPeriodChange={(p) => onChange({ period: p })} />
        <UsersOverTimeCard period={trend} asOf={asOf} today={today} onPeriodChange={(p) => onChange({ trend: p })} />
      </div>
      <ActivityPanel range={range} asOf={asOf} today={today} onRangeChange={(r) => onChange({ range: r })} />
    </div>
  );
}
