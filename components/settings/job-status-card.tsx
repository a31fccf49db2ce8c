import { Card, EmptyState } from "@/components/ui/states";
import { formatTimestamp } from "@/components/format";
import type { JobStateView, NotificationSettings } from "@/lib/alerts/settings-view";

const LABELS: [RegExp, string][] = [
  [/export/, "Bucket sync (export)"],
  [/source|import/, "Bucket sync (import)"],
  [/pull/, "Upstream pull"],
  [/slack-alerts/, "Slack alert delivery"],
  [/slack-digest/, "Slack weekly digest"],
];
const labelOf = (name: string) => LABELS.find(([re]) => re.test(name))?.[1] ?? name;
const when = (iso: string | null) => (iso ? formatTimestamp(iso) : "never");

/** Read-only health of the background jobs (job_state) and of the alert outbox. */
export function JobStatusCard({ jobs, outbox }: { jobs: JobStateView[]; outbox: NotificationSettings["outbox"] }) {
  return (
    <Card title="Sync, pull and alert status">
      <p className="mb-3 text-sm text-slate-700" data-testid="outbox-summary">
        Alerts: {outbox.delivered} delivered, {outbox.pending} waiting, {outbox.failed} failed
        {outbox.lastDeliveredAt ? <> · last delivered {formatTimestamp(outbox.lastDeliveredAt)}</> : null}
        {outbox.lastError ? <> · last error: {outbox.lastError}</> : null}
      </p>
      {jobs.length === 0 ? (
        <EmptyState>No background job has run yet.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Background jobs">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Job
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Last success
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Last error
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Failures (in a row / total)
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.name} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                    {labelOf(j.name)}
                    {labelOf(j.name) !== j.name && <span className="block text-xs font-normal text-slate-500">{j.name}</span>}
                  </th>
                  <td className="py-2 pr-4">{when(j.lastSuccessAt)}</td>
                  <td className="py-2 pr-4">
                    {j.lastError ? (
                      <>
                        <span className="block max-w-md break-words text-red-800">{j.lastError}</span>
                        {j.lastErrorAt && <span className="text-xs text-slate-500">{formatTimestamp(j.lastErrorAt)}</span>}
                      </>
                    ) : (
                      "none"
                    )}
                  </td>
                  <td className={`py-2 pr-4 ${j.consecutiveFailures > 0 ? "font-medium text-red-800" : ""}`}>
                    {j.consecutiveFailures} / {j.totalFailures}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
