"use client";

import { ActivityPanel } from "@/components/activity/activity-panel";
import type { Deployment } from "@/lib/env";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { UsersTab } from "@/components/users/users-tab";
import { LazyActivityTab } from "./lazy-tabs";
import { useDashboardParams, type Tab } from "./use-dashboard-params";

/**
 * The Organization Dashboard (self-managed, dedicated) or Members page (multi-tenant):
 * a Users/Members tab and an Activity tab, with the whole view kept in the URL.
 */
export function OrgDashboard({ orgSlug, deployment }: { orgSlug: string; username: string; deployment: Deployment }) {
  const [params, update] = useDashboardParams();
  const multiTenant = deployment === "multi-tenant";
  const tabs: TabItem<Tab>[] = [
    { id: "users", label: multiTenant ? "Members" : "Users" },
    { id: "activity", label: "Activity" },
  ];
  return (
    <main className="mx-auto max-w-[1400px] px-6 pb-10 pt-6">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">{multiTenant ? "Members" : "Organization Dashboard"}</h1>
        <p className="text-sm text-slate-600">
          {orgSlug}
          {params.asOf && <> · as of {params.asOf}</>}
        </p>
      </div>
      <TabList label="Dashboard sections" idPrefix="dashboard" tabs={tabs} value={params.tab} onChange={(tab) => update({ tab })} />
      {params.tab === "users" ? (
        <TabPanel idPrefix="dashboard" id="users">
          {multiTenant && (
            <div className="mb-5">
              <ActivityPanel range={params.range} asOf={params.asOf} onRangeChange={(range) => update({ range })} />
            </div>
          )}
          <UsersTab
            asOf={params.asOf}
            query={params.q}
            sort={params.sort}
            onQueryChange={(q) => update({ q })}
            onSortChange={(sort) => update({ sort })}
            multiTenant={multiTenant}
            tableClassName={multiTenant ? "h-[560px]" : undefined}
          />
        </TabPanel>
      ) : (
        <TabPanel idPrefix="dashboard" id="activity">
          <LazyActivityTab period={params.period} trend={params.trend} range={params.range} asOf={params.asOf} onChange={update} />
        </TabPanel>
      )}
    </main>
  );
}
