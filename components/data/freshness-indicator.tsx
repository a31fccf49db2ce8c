"use client";

import { formatTimestamp } from "@/components/format";
import { formatAge } from "@/lib/sources/data-status";
import { dataPageHref } from "./empty-org-notice";
import { useFreshnessQuery } from "./use-data-queries";

/**
 * The header's "Last event N minutes ago": the newest stored event's timestamp, amber when older
 * than ORGTRAIL_FRESHNESS_WARN_MINUTES. A link to the Data page, which says why.
 */
export function FreshnessIndicator({ orgSlug }: { orgSlug: string }) {
  const { data } = useFreshnessQuery(orgSlug);
  if (!data) return <span className="hidden w-40 sm:inline-block" aria-hidden="true" />;
  const warn = formatAge(data.warnAfterMinutes * 60);
  const text = data.ageSeconds === null ? "No events yet" : `Last event ${formatAge(data.ageSeconds)} ago`;
  const title = data.newestEventAt
    ? `Newest stored event: ${formatTimestamp(data.newestEventAt)}. Amber when older than ${warn}.`
    : "This organization holds no events yet.";
  return (
    <a
      href={dataPageHref(orgSlug)}
      title={title}
      data-testid="freshness-indicator"
      data-stale={data.stale ? "true" : "false"}
      className={`inline-flex items-center gap-1 rounded px-2 py-0.5 text-xs font-medium whitespace-nowrap hover:underline ${
        data.stale ? "border border-amber-400 bg-amber-100 text-amber-950" : "text-slate-700"
      }`}
    >
      {data.stale && (
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5" fill="currentColor">
          <path d="M10 2 1 18h18L10 2Zm-1 6h2v5H9V8Zm0 6h2v2H9v-2Z" />
        </svg>
      )}
      {text}
      {data.stale && <span className="sr-only">, older than {warn}: see the Data page</span>}
    </a>
  );
}
