"use client";

import { formatNumber, formatTimestamp } from "@/components/format";
import { Card, ErrorState, LoadingBlock } from "@/components/ui/states";
import { formatAge } from "@/lib/sources/data-status";
import { useFreshnessQuery } from "./use-data-queries";

/** "Last event": what the header's indicator means, with both times and the warning threshold. */
export function FreshnessCard({ org }: { org: string }) {
  const q = useFreshnessQuery(org);
  let body;
  if (q.isPending) body = <LoadingBlock label="Loading the freshness" className="h-24" />;
  else if (q.isError) body = <ErrorState what="the freshness" error={q.error} onRetry={() => void q.refetch()} />;
  else {
    const f = q.data;
    const warn = formatAge(f.warnAfterMinutes * 60);
    body = (
      <div className="space-y-3 text-sm text-slate-700">
        {f.newestEventAt === null ? (
          <p className="text-base font-medium text-slate-900">No events yet.</p>
        ) : (
          <p data-testid="last-event" className={`rounded-md px-3 py-2 text-base ${f.stale ? "border border-amber-400 bg-amber-50 text-amber-950" : "bg-slate-50 text-slate-900"}`}>
            Last event <span className="font-semibold">{formatAge(f.ageSeconds ?? 0)} ago</span>: {formatTimestamp(f.newestEventAt)}
            {f.stale && <span className="block text-sm">Older than {warn}: check that the sources below are running.</span>}
          </p>
        )}
        <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
          <dt className="text-slate-600">Last received</dt>
          <dd>{f.lastReceivedAt ? formatTimestamp(f.lastReceivedAt) : "never"}</dd>
          <dt className="text-slate-600">Events stored</dt>
          <dd>{formatNumber(f.eventsStored)}</dd>
        </dl>
        <p className="text-xs text-slate-600">
          “Last event” is the timestamp of the newest stored event: when it happened on the platform, not when orgtrail received it (that is “Last received”).
          It also grows during quiet hours; the sources below say whether pulls are running. The header turns amber after {warn} (ORGTRAIL_FRESHNESS_WARN_MINUTES).
        </p>
      </div>
    );
  }
  return <Card title="Freshness">{body}</Card>;
}
