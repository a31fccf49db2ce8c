"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { PanelRange, PanelResponse } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

export function usePanelQuery(range: PanelRange, asOf?: string) {
  return useQuery({
    queryKey: queryKeys.panel(range, asOf),
    queryFn: ({ signal }) => fetchJson<PanelResponse>(withQuery("/api/v1/activity/panel", { range, asOf }), { signal }),
    placeholderData: keepPreviousData,
  });
}
