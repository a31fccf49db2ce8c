"use client";

import { ActivityPanel } from "@/components/activity/activity-panel";
import type { Deployment } from "@/lib/env";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { UsersTab } from "@/components/users/users-tab";
import { AsOfPicker } from "./as-of-picker";
import { InvalidParamsBanner } from "./invalid-params-banner";
import { LazyActivityTab, LazySeatsTab } from "./lazy-tabs";
import { useDashboardParams, type Tab } from "./use-dashboard-params";

/**
 * The Organization Dashboard (self-managed, dedicated) or Members page (multi-tenant):
 * a Users/Members tab, an Activity tab and a Seats tab, with the whole view kept in the URL.
 * `today` is the server's today (`YYYY-MM-DD`): the charts mark the days that are not over.
 */
export function OrgDashboard({ orgSlug, deployment, today }: { orgSlug: string; username: string; deployment: Deployment; today: string }) {
  const [params, update] = useDashboardParams();
  const multiTenant = deployment === "multi-tenant";
  const tabs: TabItem<Tab>[] = [
    { id: "users", label: multiTenant ? "Members" : "Users" },
    { id: "activity", label: "Activity" },
    { id: "seats", label: "Seats" },
  ];
  return (
    <main className="mx-auto max-w-[1400px] px-4 pb-10 pt-6 sm:px-6 2xl:max-w-[1840px]">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">{multiTenant ? "Members" : "Organization Dashboard"}</h1>
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
          <span>{orgSlug}</span>
          <AsOfPicker value={params.asOf} today={today} onChange={(asOf) => update({ asOf })} />
        </div>
      </div>
      <TabList label="Dashboard sections" idPrefix="dashboard" tabs={tabs} value={params.tab} onChange={(tab) => update({ tab })} />
      {params.invalid.length > 0 ? (
        // One banner for the whole link, instead of an error in every card.
        <TabPanel idPrefix="dashboard" id={params.tab}>
          <InvalidParamsBanner invalid={params.invalid} onReset={() => update(Object.fromEntries(params.invalid.map((p) => [p.name, undefined])))} />
        </TabPanel>
      ) : params.tab === "users" ? (
        <TabPanel idPrefix="dashboard" id="users">
          {multiTenant && (
            <div className="mb-5">
              <ActivityPanel range={params.range} asOf={params.asOf} today={today} onRangeChange={(range) => update({ range })} />
            </div>
          )}
          <UsersTab params={params} update={update} orgSlug={orgSlug} multiTenant={multiTenant} tableClassName={multiTenant ? "h-[560px]" : undefined} />
        </TabPanel>
      ) : params.tab === "seats" ? (
        <TabPanel idPrefix="dashboard" id="seats">
          <LazySeatsTab asOf={params.asOf} days={params.days} orgSlug={orgSlug} onDaysChange={(days) => update({ days })} />
        </TabPanel>
      ) : (
        <TabPanel idPrefix="dashboard" id="activity">
          <LazyActivityTab period={params.period} trend={params.trend} range={params.range} asOf={params.asOf} today={today} onChange={update} />
        </TabPanel>
      )}
    </main>
  );
}
