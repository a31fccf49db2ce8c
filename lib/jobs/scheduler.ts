import type { Store } from "../db/client";
import { acquireLease, HOLDER, releaseLease } from "./lease";
import { recordJobFailure, recordJobSuccess } from "./state";
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

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs one job now if this server holds (or can take) its lease; for tests and the CLI. */
  runNow(name: string): Promise<boolean>;
}

/**
 * Runs each job every `intervalMs` on exactly one of the servers sharing the store: the
 * holder of the job's lease. The lease outlives a run by `leaseTtlMs` and is renewed while a
 * run lasts, so when a leader dies another server takes over within one TTL.
 */
export function startScheduler(store: Store, jobs: Job[], options: { leaseTtlMs?: number; holder?: string } = {}): Scheduler {
  const ttl = options.leaseTtlMs ?? 30_000;
  const holder = options.holder ?? HOLDER;
  const stopping = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const running = new Map<string, Promise<boolean>>();

  const runOnce = (job: Job): Promise<boolean> => {
    const existing = running.get(job.name);
    if (existing) return existing;
    const attempt = (async () => {
      if (stopping.signal.aborted) return false;
      if (!(await acquireLease(store, job.name, Math.max(ttl, job.intervalMs * 2), holder))) return false;
      const lost = new AbortController();
      const onStop = () => lost.abort();
      stopping.signal.addEventListener("abort", onStop);
      const renew = setInterval(
        () => {
          acquireLease(store, job.name, Math.max(ttl, job.intervalMs * 2), holder).then(
            (held) => held || lost.abort(),
            () => lost.abort(),
          );
        },
        Math.max(1000, ttl / 3),
      );
      const ctx: JobContext = { store, signal: lost.signal };
      try {
        await job.run(ctx);
        await recordJobSuccess(store, job.name, Date.now(), job.orgId ?? null);
      } catch (error) {
        console.error(`orgtrail: job ${job.name} failed: ${escapeControl(error instanceof Error ? error.message : String(error))}`);
        const failures = await recordJobFailure(store, job.name, error, Date.now(), job.orgId ?? null).catch(() => 1);
        await job.onFailure?.(error, failures, ctx).catch((e: unknown) => console.error(`orgtrail: job ${job.name} failure hook failed: ${describeError(e)}`));
      } finally {
        clearInterval(renew);
        stopping.signal.removeEventListener("abort", onStop);
      }
      return true;
    })().finally(() => running.delete(job.name));
    running.set(job.name, attempt);
    return attempt;
  };

  const schedule = (job: Job, delay: number) => {
    if (stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      runOnce(job)
        .catch((error: unknown) => console.error(`orgtrail: job ${job.name} could not start: ${describeError(error)}`))
        .finally(() => schedule(job, job.intervalMs));
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
    },
    async runNow(name: string) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return runOnce(job);
    },
  };
}
