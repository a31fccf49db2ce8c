import type { Store } from "../db/client";
import { HOLDER, releaseLease, tryLease } from "./lease";
import { flushJobRuns, recordJobFailure, recordJobSuccess } from "./state";
import { describeError, escapeControl } from "../text/escape-control";

export interface JobContext {
  store: Store;
  /** Aborted when this server loses the job's lease or stops. */
  signal: AbortSignal;
}

export interface Job {
  name: string;
  /** The organization this job works for; omitted for an instance-wide job (its state is shown to instance admins only). */
  orgId?: number;
  intervalMs: number;
  run(ctx: JobContext): Promise<void>;
  /** Called after a failed run with the number of failures in a row (alerts hook in here). */
  onFailure?(error: unknown, consecutiveFailures: number, ctx: JobContext): Promise<void>;
}

/** What a tick did: ran the job, found its lease another server's, or (SQLite) could not write the lease because another connection held the write lock. */
type Outcome = "ran" | "not-leader" | "busy";
/** How soon a tick that found the SQLite write lock taken is tried again (at most the job's interval). */
const BUSY_RETRY_MS = 1000;

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs one job now if this server holds (or can take) its lease; for tests and the CLI. */
  runNow(name: string): Promise<boolean>;
}

/**
 * Runs each job every `intervalMs` on exactly one of the servers sharing the store: the
 * holder of the job's lease. The lease outlives a run by `leaseTtlMs` and is renewed while a
 * run lasts, so when a leader dies another server takes over within one TTL.
 *
 * On SQLite none of its writes waits for another connection's write lock on the event loop
 * (docs/PERFORMANCE.md, issue 14): a tick whose lease write finds the lock taken does not run
 * the job and is tried again a second later; a renewal that finds it taken is tried again
 * while the lease lasts (the run is aborted only once it has expired); a run's state is kept
 * and written once the lock is free (lib/jobs/state.ts).
 */
export function startScheduler(store: Store, jobs: Job[], options: { leaseTtlMs?: number; holder?: string } = {}): Scheduler {
  const ttl = options.leaseTtlMs ?? 30_000;
  const holder = options.holder ?? HOLDER;
  const stopping = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const running = new Map<string, Promise<Outcome>>();
  const renewEvery = Math.max(1000, ttl / 3);
  // A renewal that found the SQLite write lock taken is tried again this soon, while the lease lasts.
  const renewRetry = Math.min(1000, renewEvery / 4);

  const runOnce = (job: Job): Promise<Outcome> => {
    const existing = running.get(job.name);
    if (existing) return existing;
    const attempt = (async (): Promise<Outcome> => {
      if (stopping.signal.aborted) return "not-leader";
      const leaseMs = Math.max(ttl, job.intervalMs * 2);
      const start = Date.now();
      const taken = await tryLease(store, job.name, leaseMs, holder, start);
      if (taken !== "held") return taken === "busy" ? "busy" : "not-leader";
      let heldUntil = start + leaseMs;
      let finished = false;
      const lost = new AbortController();
      const onStop = () => lost.abort();
      stopping.signal.addEventListener("abort", onStop);
      let renewal: ReturnType<typeof setTimeout> | undefined;
      const renew = (delay: number) => {
        renewal = setTimeout(() => {
          const at = Date.now();
          tryLease(store, job.name, leaseMs, holder, at).then(
            (result) => {
              if (finished || lost.signal.aborted) return;
              if (result === "held") {
                heldUntil = at + leaseMs;
                renew(renewEvery);
              } else if (result === "taken") lost.abort();
              // busy (SQLite): not renewed, and not lost while the lease written last lasts.
              else if (Date.now() + renewRetry >= heldUntil) lost.abort();
              else renew(renewRetry);
            },
            () => lost.abort(),
          );
        }, delay);
      };
      renew(renewEvery);
      const ctx: JobContext = { store, signal: lost.signal };
      try {
        await job.run(ctx);
        await recordJobSuccess(store, job.name, Date.now(), job.orgId ?? null);
      } catch (error) {
        console.error(`orgtrail: job ${job.name} failed: ${escapeControl(error instanceof Error ? error.message : String(error))}`);
        const failures = await recordJobFailure(store, job.name, error, Date.now(), job.orgId ?? null).catch(() => 1);
        await job.onFailure?.(error, failures, ctx).catch((e: unknown) => console.error(`orgtrail: job ${job.name} failure hook failed: ${describeError(e)}`));
      } finally {
        // A renewal under way must not schedule another.
        finished = true;
        clearTimeout(renewal);
        stopping.signal.removeEventListener("abort", onStop);
      }
      return "ran";
    })().finally(() => running.delete(job.name));
    running.set(job.name, attempt);
    return attempt;
  };

  const schedule = (job: Job, delay: number) => {
    if (stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      let next = job.intervalMs;
      runOnce(job)
        .then((outcome) => {
          // The lease could not be written (SQLite lock taken): try again soon, not an interval later.
          if (outcome === "busy") next = Math.min(job.intervalMs, BUSY_RETRY_MS);
        })
        .catch((error: unknown) => console.error(`orgtrail: job ${job.name} could not start: ${describeError(error)}`))
        .finally(() => schedule(job, next));
    }, delay);
    timer.unref?.();
    timers.add(timer);
  };
  for (const job of jobs) schedule(job, Math.min(job.intervalMs, 1000));

  return {
    async stop() {
      stopping.abort();
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled(running.values());
      await Promise.allSettled(jobs.map((j) => releaseLease(store, j.name, holder)));
      // Runs whose state found the SQLite lock taken: written now, waiting for it if need be.
      await flushJobRuns(store, { wait: true });
    },
    async runNow(name: string) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return (await runOnce(job)) === "ran";
    },
  };
}
