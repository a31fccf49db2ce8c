"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ActivityResponse, Period } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import { useOrgSlug } from "@/components/dashboard/org-context";

/** The props of a card showing one period of activity, with its period picker. */
export interface PeriodCardProps {
  period: Period;
  asOf?: string;
  today: string;
  onPeriodChange: (p: Period) => void;
}

export function useActivityQuery(period: Period, asOf?: string) {
  const org = useOrgSlug();
  return useQuery({
    queryKey: queryKeys.activity(org, period, asOf),
    queryFn: ({ signal }) => fetchJson<ActivityResponse>(withQuery("/api/v1/activity", { org, period, asOf }), { signal }),
    // Switching periods keeps the old numbers on screen (dimmed) instead of a skeleton.
    placeholderData: keepPreviousData,
  });
}
