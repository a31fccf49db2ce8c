import { formatTimestamp } from "@/components/format";
import type { JobView } from "@/lib/sources/data-views";
import { describePullProgress } from "@/lib/sources/pull-progress";

const when = (iso: string | null) => (iso ? formatTimestamp(iso) : "never");

function ProgressText({ progress }: { progress: Record<string, unknown> }) {
  if (typeof progress.completeBefore === "string") return <>every day before {progress.completeBefore} is complete</>;
  const pull = describePullProgress(progress);
  if (pull !== null) return <>{pull}</>;
  const done = Number(progress.done);
  const total = Number(progress.total);
  if (Number.isFinite(done) && Number.isFinite(total) && total > 0) return <>{Math.floor((done / total) * 100)}% ({done} of {total})</>;
  return (
    <>
      {Object.entries(progress)
        .slice(0, 6)
        .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
        .join(", ")}
    </>
  );
}

/** One job_state row, whatever the job: when it ran, its last error and failures, its progress if it keeps one. */
export function JobLine({ job }: { job: JobView }) {
  return (
    <li className="text-xs text-slate-700">
      <span className="font-mono text-slate-900">{job.name}</span>
      {job.lastRunAt !== null && <> · last run {when(job.lastRunAt)} · last success {when(job.lastSuccessAt)}</>}
      {job.consecutiveFailures > 0 && (
        <span className="block text-red-800">
          {job.consecutiveFailures} failures in a row{job.lastError ? `: ${job.lastError}` : ""}
        </span>
      )}
      {job.progress && (
        <span className="block text-slate-600">
          Progress: <ProgressText progress={job.progress} />
        </span>
      )}
    </li>
  );
}
