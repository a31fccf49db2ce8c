"use client";

import { formatNumber, formatTimestamp } from "@/components/format";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import type { IngestRunView } from "@/lib/sources/data-views";
import { useUploadsQuery } from "./use-data-queries";

const SOURCE: Record<IngestRunView["source"], string> = { browser: "This page", api: "API", cli: "CLI", pull: "Upstream pull" };

function Rejected({ run }: { run: IngestRunView }) {
  if (run.rejected === 0) return <>0</>;
  if (run.rejectedSample.length === 0) return <span className="font-medium text-amber-900">{formatNumber(run.rejected)}</span>;
  return (
    <details>
      <summary className="cursor-pointer font-medium text-amber-900">{formatNumber(run.rejected)}</summary>
      <ul className="mt-1 space-y-0.5 font-mono text-xs">
        {run.rejectedSample.map((r) => (
          <li key={r.line}>
            Line {r.line}: {r.error}
          </li>
        ))}
      </ul>
      {run.rejected > run.rejectedSample.length && <p className="text-xs text-slate-600">the first {run.rejectedSample.length} are kept here</p>}
    </details>
  );
}

/** The latest uploads and pulls (ingest_runs): who, what, how many stored, duplicates and rejected lines. */
export function RecentUploads({ org }: { org: string }) {
  const q = useUploadsQuery(org);
  let body;
  if (q.isPending) body = <LoadingBlock label="Loading the uploads" className="h-40" />;
  else if (q.isError) body = <ErrorState what="the uploads" error={q.error} onRetry={() => void q.refetch()} />;
  else if (q.data.runs.length === 0) body = <EmptyState>Nothing uploaded yet.</EmptyState>;
  else
    body = (
      // Scrolls sideways on a narrow screen: focusable, so the keyboard can scroll it too.
      <div tabIndex={0} role="region" aria-label="Uploads and pulls" className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600">
        <table className="w-full min-w-[760px] text-left text-sm" aria-label="Recent uploads">
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">Finished</th>
              <th scope="col" className="py-2 pr-3 font-medium">Source</th>
              <th scope="col" className="py-2 pr-3 font-medium">File</th>
              <th scope="col" className="py-2 pr-3 font-medium">By</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Stored</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Duplicates</th>
              <th scope="col" className="py-2 pr-3 font-medium">Rejected</th>
              <th scope="col" className="py-2 pr-3 font-medium">Result</th>
            </tr>
          </thead>
          <tbody>
            {q.data.runs.map((r) => (
              <tr key={r.id} className="border-b border-slate-100 align-top">
                <td className="py-2 pr-3 whitespace-nowrap">{formatTimestamp(r.finishedAt)}</td>
                <td className="py-2 pr-3">
                  {SOURCE[r.source]}
                  <span className="block text-xs text-slate-600">{r.kind === "users" ? "users file" : "audit log"}</span>
                </td>
                <td className="max-w-[16rem] truncate py-2 pr-3" title={r.label ?? undefined}>
                  {r.label ?? "–"}
                </td>
                <td className="py-2 pr-3">{r.actor}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(r.accepted)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{r.kind === "users" ? "–" : formatNumber(r.duplicates)}</td>
                <td className="py-2 pr-3">
                  <Rejected run={r} />
                </td>
                <td className={`py-2 pr-3 ${r.status === "failed" ? "text-red-800" : ""}`}>{r.status === "failed" ? `Failed: ${r.error ?? "stopped"}` : "OK"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return <Card title="Recent uploads">{body}</Card>;
}
