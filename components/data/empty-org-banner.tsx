"use client";

import { useDashboardContext } from "@/components/dashboard/dashboard-context";
import { EmptyOrgNotice } from "./empty-org-notice";
import { useFreshnessQuery } from "./use-data-queries";

/** Above the Activity tab: shown only while the organization holds no events at all. */
export function EmptyOrgBanner() {
  const { orgSlug } = useDashboardContext();
  const freshness = useFreshnessQuery(orgSlug);
  if (!freshness.data || freshness.data.eventsStored > 0) return null;
  return <EmptyOrgNotice what="activity" />;
}
