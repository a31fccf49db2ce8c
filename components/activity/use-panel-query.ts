"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { PanelRange, PanelResponse } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import { useOrgSlug } from "@/components/dashboard/org-context";

export function usePanelQuery(range: PanelRange, asOf?: string) {
  const org = useOrgSlug();
  return useQuery({
    queryKey: queryKeys.panel(org, range, asOf),
    queryFn: ({ signal }) => fetchJson<PanelResponse>(withQuery("/api/v1/activity/panel", { org, range, asOf }), { signal }),
    placeholderData: keepPreviousData,
  });
}
