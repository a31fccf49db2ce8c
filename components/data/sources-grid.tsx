"use client";

import { formatNumber, formatTimestamp } from "@/components/format";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { formatAge } from "@/lib/sources/data-status";
import type { SourceView } from "@/lib/sources/data-views";
import { JobLine } from "./job-line";
import { useDataSourcesQuery } from "./use-data-queries";

const STATUS: Record<SourceView["status"], { text: string; className: string }> = {
  ok: { text: "Running", className: "bg-emerald-100 text-emerald-900" },
  failing: { text: "Failing", className: "bg-red-100 text-red-900" },
  idle: { text: "Not run yet", className: "bg-slate-100 text-slate-800" },
  off: { text: "Not set up", className: "bg-slate-100 text-slate-700" },
};

const when = (iso: string | null) => (iso ? formatTimestamp(iso) : "never");

function SourceCard({ source }: { source: SourceView }) {
  const status = STATUS[source.status];
  const unit = source.id === "bucket" ? "objects read" : "runs";
  return (
    <section aria-label={source.label} className="flex flex-col gap-2 rounded-md border border-slate-200 p-4 text-sm">
      <div className="flex items-start justify-between gap-2">
        <h3 className="font-semibold text-slate-900">{source.label}</h3>
        <span className={`shrink-0 rounded px-2 py-0.5 text-xs font-medium ${status.className}`}>{status.text}</span>
      </div>
      <p className="text-xs text-slate-600">{source.setup}</p>
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-slate-700">
        <dt className="text-slate-600">Last run</dt>
        <dd>{when(source.lastRunAt)}</dd>
        <dt className="text-slate-600">Last new data</dt>
        <dd>{when(source.lastDataAt)}</dd>
        <dt className="text-slate-600">Lag</dt>
        <dd>{source.lagSeconds === null ? "–" : `${formatAge(source.lagSeconds)} since new data`}</dd>
        <dt className="text-slate-600">Last 30 days</dt>
        <dd>
          {formatNumber(source.runs30d)} {unit}, {formatNumber(source.accepted30d)} stored, {formatNumber(source.failures30d)} failed
        </dd>
        <dt className="text-slate-600">Rejected lines</dt>
        <dd className={source.rejected30d > 0 ? "font-medium text-amber-900" : ""}>{formatNumber(source.rejected30d)} in 30 days</dd>
      </dl>
      {source.lastError && (
        <p className="break-words rounded bg-red-50 px-2 py-1 text-xs text-red-900">
          Last error{source.lastError.at ? ` (${formatTimestamp(source.lastError.at)})` : ""}: {source.lastError.message}
        </p>
      )}
      {source.jobs.length > 0 && (
        <ul aria-label={`${source.label}: background jobs`} className="space-y-1 border-t border-slate-100 pt-2">
          {source.jobs.map((j) => (
            <JobLine key={j.name} job={j} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Every source of the organization's data, and the instance's other background jobs. */
export function SourcesGrid({ org }: { org: string }) {
  const q = useDataSourcesQuery(org);
  let body;
  if (q.isPending) body = <LoadingBlock label="Loading the sources" className="h-64" />;
  else if (q.isError) body = <ErrorState what="the sources" error={q.error} onRetry={() => void q.refetch()} />;
  else
    body = (
      <>
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2 2xl:grid-cols-3">
          {q.data.sources.map((s) => (
            <SourceCard key={s.id} source={s} />
          ))}
        </div>
        <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-900">Other background jobs (whole instance)</h3>
        {q.data.otherJobs.length === 0 ? (
          <EmptyState>No other background job has run yet.</EmptyState>
        ) : (
          <ul aria-label="Other background jobs" className="space-y-1">
            {q.data.otherJobs.map((j) => (
              <JobLine key={j.name} job={j} />
            ))}
          </ul>
        )}
      </>
    );
  return <Card title="Sources">{body}</Card>;
}
