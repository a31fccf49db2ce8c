"use client";

// One react-query hook per explorer endpoint (docs/EXPLORER.md). Every call carries the page's
// organization (`org=`) and every key holds it (lib/query-keys.ts).
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { FacetField } from "@/lib/explorer/answers";
import { ApiError, fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

/** An event as the API returns it: the schema keys it carries (SPEC §3). */
export type AuditEvent = Record<string, unknown> & { action: string; timestamp: string };

export interface EventsResponse {
  events: AuditEvent[];
  total: number;
  next_cursor: string | null;
}

export interface FacetsResponse {
  field: FacetField;
  values: { value: string; count: number }[];
}

export interface HistogramResponse {
  from: string | null;
  to: string | null;
  days: { date: string; count: number }[];
}

/** Events per page of the table: enough to fill two screens. */
export const EVENTS_PAGE_SIZE = 100;

/**
 * A 503 means the server is still indexing the organization's events (its message says how
 * far): keep asking every few seconds. A 4xx will not fix itself; anything else, twice.
 */
export function explorerRetry(failures: number, error: Error): boolean {
  if (error instanceof ApiError && error.status === 503) return failures < 100;
  return failures < 2 && !(error instanceof ApiError && error.status < 500);
}

export function explorerRetryDelay(failures: number, error: Error): number {
  if (error instanceof ApiError && error.status === 503) return 3000;
  return Math.min(1000 * 2 ** failures, 10_000);
}

/** The message of a 503 while the index builds, to show instead of a plain "loading". */
export function indexingMessage(reason: unknown): string | null {
  return reason instanceof ApiError && reason.status === 503 ? reason.message : null;
}

/** The 400 the language answers for a malformed query, when that is the error. */
export function queryError(error: unknown): ApiError | null {
  return error instanceof ApiError && error.status === 400 ? error : null;
}

const optionalQ = (q: string) => (q.trim() === "" ? undefined : q);

/** GET /api/v1/events: pages of matches newest first, followed through next_cursor. */
export function useEventsQuery(org: string, q: string, limit: number = EVENTS_PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: queryKeys.events(org, q, limit),
    queryFn: ({ pageParam, signal }) =>
      fetchJson<EventsResponse>(withQuery("/api/v1/events", { org, q: optionalQ(q), limit, cursor: pageParam ?? undefined }), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    retry: explorerRetry,
    retryDelay: explorerRetryDelay,
  });
}

/** GET /api/v1/events/facets: the 20 most frequent values of a field among the matches. */
export function useFacetsQuery(org: string, q: string, field: FacetField, enabled = true) {
  return useQuery({
    queryKey: queryKeys.eventFacets(org, q, field),
    queryFn: ({ signal }) => fetchJson<FacetsResponse>(withQuery("/api/v1/events/facets", { org, q: optionalQ(q), field }), { signal }),
    enabled,
    retry: explorerRetry,
    retryDelay: explorerRetryDelay,
  });
}

/** GET /api/v1/events/histogram: matches per UTC day. The previous chart stays while the next loads. */
export function useHistogramQuery(org: string, q: string) {
  return useQuery({
    queryKey: queryKeys.eventHistogram(org, q),
    queryFn: ({ signal }) => fetchJson<HistogramResponse>(withQuery("/api/v1/events/histogram", { org, q: optionalQ(q) }), { signal }),
    placeholderData: keepPreviousData,
    retry: explorerRetry,
    retryDelay: explorerRetryDelay,
  });
}

/** GET /api/v1/events/export: a plain link (the browser streams the file to disk). */
export function exportUrl(org: string, q: string, format: "ndjson" | "csv"): string {
  return withQuery("/api/v1/events/export", { org, q: optionalQ(q), format });
}

/** The explorer page with a query, in an organization (links from other pages). */
export function explorerUrl(org: string, q: string): string {
  return withQuery("/org/audit-logs", { org, q: optionalQ(q) });
}
