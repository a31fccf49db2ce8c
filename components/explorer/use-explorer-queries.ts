"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { ApiError, fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

/** One event as the API returns it: schema keys only. */
export type ExplorerEvent = Record<string, string | number | undefined>;
export interface EventsPage {
  events: ExplorerEvent[];
  total: number;
  next_cursor: string | null;
}
export interface FacetsAnswer {
  field: string;
  values: { value: string; count: number }[];
}
export interface HistogramAnswer {
  from: string | null;
  to: string | null;
  days: { date: string; count: number }[];
}

export const FACET_FIELDS = ["action", "actor", "user", "status", "entity", "project", "ip"] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export const PAGE_SIZE = 100;

// While the server builds the organization's index it answers 503: keep asking (2 s apart, 2 min).
const retry = (count: number, error: unknown) => (error instanceof ApiError && error.status === 503 ? count < 60 : error instanceof ApiError && error.status < 500 ? false : count < 1);
const retryDelay = 2000;

export function useEventsQuery(org: string, q: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.explorerEvents(org, q),
    queryFn: ({ pageParam, signal }) => fetchJson<EventsPage>(withQuery("/api/v1/events", { org, q, limit: PAGE_SIZE, cursor: pageParam }), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    retry,
    retryDelay,
    staleTime: 10_000,
  });
}

export function useFacetsQuery(org: string, q: string, field: FacetField, enabled = true) {
  return useQuery({
    queryKey: queryKeys.explorerFacets(org, q, field),
    queryFn: ({ signal }) => fetchJson<FacetsAnswer>(withQuery("/api/v1/events/facets", { org, q, field }), { signal }),
    enabled,
    retry,
    retryDelay,
    staleTime: 10_000,
  });
}

export function useHistogramQuery(org: string, q: string) {
  return useQuery({
    queryKey: queryKeys.explorerHistogram(org, q),
    queryFn: ({ signal }) => fetchJson<HistogramAnswer>(withQuery("/api/v1/events/histogram", { org, q }), { signal }),
    retry,
    retryDelay,
    staleTime: 10_000,
  });
}

export function exportUrl(org: string, q: string, format: "csv" | "ndjson"): string {
  return withQuery("/api/v1/events/export", { org, q, format });
}
