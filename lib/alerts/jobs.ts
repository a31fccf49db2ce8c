// Background jobs of Slack alerts: delivery of the outbox, and the weekly inactivity digest.
import { env } from "../env";
import { registerJobFactory, runJobNow } from "../jobs/start";
import type { Job, JobContext } from "../jobs/scheduler";
import { today } from "../today";
import { deliverDue, nextDueAt } from "./deliver";
import { queueInactiveDigests } from "./inactive-digest";
import { alertJobFailure, SLACK_DELIVERY_JOB } from "./job-failure";
import { setDeliveryWaker } from "./outbox";

export const DIGEST_JOB = "slack-digest";
const DELIVERY_INTERVAL_MS = 10_000;
/** A retry due this soon is waited for within the run (a 429's short Retry-After). */
const WAIT_WITHIN_RUN_MS = 15_000;
const MAX_RUN_MS = 60_000;

let wakeRequested = false;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

async function deliver(ctx: JobContext): Promise<void> {
  const started = Date.now();
  while (!ctx.signal.aborted && Date.now() - started < MAX_RUN_MS) {
    wakeRequested = false;
    const stats = await deliverDue(ctx.store, { signal: ctx.signal });
    if (stats.delivered + stats.retried + stats.failed > 0) continue;
    if (wakeRequested) continue;
    const next = await nextDueAt(ctx.store);
    if (next === null || next - Date.now() > WAIT_WITHIN_RUN_MS) return;
    await sleep(Math.max(50, next - Date.now()), ctx.signal);
  }
}

export const deliveryJob: Job = { name: SLACK_DELIVERY_JOB, intervalMs: DELIVERY_INTERVAL_MS, run: deliver };

export const digestJob: Job = {
  name: DIGEST_JOB,
  intervalMs: 60 * 60_000,
  async run(ctx) {
    await queueInactiveDigests(ctx.store, today(), env().ORGTRAIL_DEPLOYMENT);
  },
  onFailure: (error, failures, ctx) => alertJobFailure(ctx.store, DIGEST_JOB, error, failures).then(() => undefined),
};

registerJobFactory(async () => deliveryJob);
registerJobFactory(async () => digestJob);
setDeliveryWaker(() => {
  wakeRequested = true;
  runJobNow(SLACK_DELIVERY_JOB).catch((error: unknown) => console.error("orgtrail: Slack delivery could not start:", error));
});
