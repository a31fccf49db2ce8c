"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ActivityResponse, Period } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

export function useActivityQuery(period: Period, asOf?: string) {
  return useQuery({
    queryKey: queryKeys.activity(period, asOf),
    queryFn: ({ signal }) => fetchJson<ActivityResponse>(withQuery("/api/v1/activity", { period, asOf }), { signal }),
    // Switching periods keeps the old numbers on screen (dimmed) instead of a skeleton.
    placeholderData: keepPreviousData,
  });
}
