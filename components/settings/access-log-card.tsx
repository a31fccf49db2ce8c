"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { formatNumber, formatTimestamp } from "@/components/format";
import type { AccessLogEntry, AccessLogPage } from "@/lib/auth/access-log-view";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

const PAGE_SIZE = 25;

const EVENT_LABELS: Record<string, string> = {
  sign_in: "Signed in",
  sign_out: "Signed out",
  key_rotated: "API key rotated",
  sessions_revoked: "Sessions revoked",
  refused: "Refused",
  request: "API calls",
};

function what(e: AccessLogEntry): string {
  if (e.event === "request" || e.event === "refused") return `${e.method} ${e.path} → ${e.status}${e.detail ? ` (${e.detail})` : ""}`;
  if (e.event === "sign_in") return e.detail === "sso" ? "single sign-on" : "API key";
  return e.detail ?? "";
}

/** orgtrail's own access log (sign-ins, sign-outs, key rotations, refused requests), newest first, page by page. */
export function AccessLogCard() {
  // The `before` cursor of each page shown so far: [null] is the newest page.
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const before = cursors[cursors.length - 1] ?? null;
  const org = useOrgSlug();
  const query = useQuery({
    queryKey: queryKeys.accessLog(org, before),
    queryFn: ({ signal }) =>
      fetchJson<AccessLogPage>(withQuery("/api/v1/settings/access-log", { org, limit: PAGE_SIZE, before: before ?? undefined }), { signal }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const page = cursors.length;
  const next = query.data?.nextBefore ?? null;
  return (
    <Card
      title="Access log"
      actions={
        <div className="flex items-center gap-2">
          <Button onClick={() => setCursors((c) => c.slice(0, -1))} disabled={page === 1 || query.isFetching}>
            Newer
          </Button>
          <span className="text-sm text-slate-600">Page {page}</span>
          <Button onClick={() => next !== null && setCursors((c) => [...c, next])} disabled={next === null || query.isFetching}>
            Older
          </Button>
        </div>
      }
    >
      <p className="mb-3 text-sm text-slate-700">
        Sign-ins, sign-outs, key rotations, API calls and refused requests to orgtrail itself
        {query.data && !query.data.wholeInstance ? " by this organization's accounts" : ""}. Repeated requests are counted per client and minute.
      </p>
      {query.isPending ? (
        <LoadingBlock label="Loading the access log" className="h-40" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} what="the access log" />
      ) : query.data.entries.length === 0 ? (
        <EmptyState>Nothing logged yet.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Access log">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Time
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Event
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Account
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Client
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Details
                </th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.entries.map((e) => (
                <tr key={e.id} className="border-b border-slate-100 align-top">
                  <td className="whitespace-nowrap py-2 pr-4">{formatTimestamp(e.count > 1 ? e.lastAt : e.at)}</td>
                  <td className={`py-2 pr-4 ${e.event === "refused" ? "font-medium text-red-800" : ""}`}>{EVENT_LABELS[e.event] ?? e.event}</td>
                  <td className="max-w-[12rem] break-words py-2 pr-4">{e.username ?? "—"}</td>
                  <td className="py-2 pr-4">
                    <span className="block">{e.client ?? "—"}</span>
                    {e.userAgent && (
                      <span className="block max-w-[16rem] truncate text-xs text-slate-600" title={e.userAgent}>
                        {e.userAgent}
                      </span>
                    )}
                  </td>
                  <td className="max-w-md break-words py-2 pr-4">{what(e)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatNumber(e.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
