"use client";

import { formatNumber, formatTimestamp } from "@/components/format";
import { Button } from "@/components/ui/button";
import { Card, ErrorState, LoadingBlock } from "@/components/ui/states";
import type { IntegrityCheckView } from "@/lib/sources/data-views";
import { useIntegrityQuery } from "./use-data-queries";
import { useVerifyNow } from "./use-verify-now";

function CheckOutcome({ check, label }: { check: IntegrityCheckView; label: string }) {
  const range = check.events > 0 ? ` (${formatNumber(check.fromSeq)}–${formatNumber(check.lastSeq)})` : "";
  return (
    <div data-testid="integrity-outcome" className={`rounded-md p-3 text-sm ${check.ok ? "bg-emerald-50 text-emerald-950" : "bg-red-50 text-red-900"}`}>
      <p className="font-medium">
        {check.ok ? `Verified: ${formatNumber(check.events)} events intact${range}` : `Verification failed${check.firstBadSeq !== null ? ` at event ${formatNumber(check.firstBadSeq)}` : ""}`}
      </p>
      {!check.ok && check.reason && <p className="mt-1 break-words">{check.reason}</p>}
      <p className="mt-1 text-xs">
        {label} {formatTimestamp(check.finishedAt)} by {check.actor}; {formatNumber(check.checkpoints)} signed checkpoint{check.checkpoints === 1 ? "" : "s"} checked
        {check.unsignedTail > 0 ? `, ${formatNumber(check.unsignedTail)} newest events chained but not signed yet` : ""}.
      </p>
    </div>
  );
}

/** The organization's hash chain and signed checkpoints, and "Verify now" for admins. */
export function IntegrityCard({ org, canVerify }: { org: string; canVerify: boolean }) {
  const status = useIntegrityQuery(org);
  const verify = useVerifyNow(org);
  const running = verify.state.kind === "running";

  let body;
  if (status.isPending) body = <LoadingBlock label="Loading the integrity status" className="h-32" />;
  else if (status.isError) body = <ErrorState what="the integrity status" error={status.error} onRetry={() => void status.refetch()} />;
  else {
    const s = status.data;
    const interval = Math.round(s.checkpointIntervalSeconds / 60);
    body = (
      <div className="space-y-3 text-sm text-slate-700">
        <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
          <dt className="text-slate-600">Events stored</dt>
          <dd data-testid="events-stored" className="font-medium text-slate-900">
            {formatNumber(s.eventsStored)}
            {s.purgedThrough > 0 && <span className="font-normal text-slate-600"> (events 1–{formatNumber(s.purgedThrough)} purged after retention)</span>}
          </dd>
          <dt className="text-slate-600">Last signed checkpoint</dt>
          <dd>
            {s.lastCheckpoint
              ? `events ${formatNumber(s.lastCheckpoint.fromSeq)}–${formatNumber(s.lastCheckpoint.toSeq)}, signed ${formatTimestamp(s.lastCheckpoint.createdAt)} (key ${s.lastCheckpoint.keyId.slice(0, 12)})`
              : "none yet"}
          </dd>
          <dt className="text-slate-600">Not signed yet</dt>
          <dd>
            {formatNumber(s.unsignedEvents)} events{s.unsignedEvents > 0 ? ` (a checkpoint is signed every ${interval} minutes)` : ""}
            {s.checkpointJob?.consecutiveFailures ? <span className="block text-red-800">Signing fails: {s.checkpointJob.lastError}</span> : null}
          </dd>
        </dl>
        {verify.state.kind === "done" ? (
          <CheckOutcome check={verify.state.check} label="Checked" />
        ) : s.lastCheck ? (
          <CheckOutcome check={s.lastCheck} label="Last verified" />
        ) : (
          <p className="text-slate-600">Not verified from this page yet.</p>
        )}
      </div>
    );
  }

  const pct = running && verify.state.kind === "running" && verify.state.total ? Math.min(100, Math.round((verify.state.done / verify.state.total) * 100)) : 0;
  return (
    <Card
      title="Integrity"
      actions={
        canVerify ? (
          <Button variant="primary" onClick={() => void verify.start()} disabled={running} aria-describedby="verify-help">
            {running ? "Verifying…" : "Verify now"}
          </Button>
        ) : undefined
      }
    >
      <p id="verify-help" className="mb-3 text-xs text-slate-600">
        Each event is chained to the one before it (SHA-256) and the chain is signed every hour. Verifying re-reads every event and checks each signature
        {canVerify ? "; millions of events take some seconds." : ". Admins can verify from this page; npx orgtrail verify does the same on the server."}
      </p>
      {running && verify.state.kind === "running" && (
        <div className="mb-3" aria-live="polite">
          <div
            role="progressbar"
            aria-label="Verification progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            className="h-2 w-full overflow-hidden rounded bg-slate-200"
          >
            <div className="h-full bg-indigo-600" style={{ width: `${pct}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            Verifying… {verify.state.total === null ? "starting" : `${formatNumber(verify.state.done)} of ${formatNumber(verify.state.total)} events`}
          </p>
        </div>
      )}
      {verify.state.kind === "error" && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 p-3 text-sm text-red-900">
          Could not verify: {verify.state.message}
        </p>
      )}
      {body}
    </Card>
  );
}
