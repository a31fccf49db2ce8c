"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import type { DataSourcesView, FreshnessView, IntegrityStatusView, UploadsView } from "@/lib/sources/data-views";

/** Polled: the header's indicator must move on its own while a page stays open. */
export const FRESHNESS_POLL_MS = 60_000;

export function useFreshnessQuery(org: string | null) {
  return useQuery({
    queryKey: queryKeys.freshness(org ?? ""),
    queryFn: ({ signal }) => fetchJson<FreshnessView>(withQuery("/api/v1/data/freshness", { org: org ?? undefined }), { signal }),
    enabled: org !== null,
    staleTime: 30_000,
    refetchInterval: FRESHNESS_POLL_MS,
  });
}

export function useDataSourcesQuery(org: string) {
  return useQuery({
    queryKey: queryKeys.dataSources(org),
    queryFn: ({ signal }) => fetchJson<DataSourcesView>(withQuery("/api/v1/data/sources", { org }), { signal }),
    staleTime: 15_000,
    refetchInterval: FRESHNESS_POLL_MS,
  });
}

export function useUploadsQuery(org: string) {
  return useQuery({
    queryKey: queryKeys.uploads(org),
    queryFn: ({ signal }) => fetchJson<UploadsView>(withQuery("/api/v1/data/uploads", { org, limit: 20 }), { signal }),
    staleTime: 15_000,
  });
}

export function useIntegrityQuery(org: string) {
  return useQuery({
    queryKey: queryKeys.integrity(org),
    queryFn: ({ signal }) => fetchJson<IntegrityStatusView>(withQuery("/api/v1/data/integrity", { org }), { signal }),
    staleTime: 15_000,
  });
}
