import { getStore } from "../db/client";
import type { Job } from "./scheduler";
import { startScheduler, type Scheduler } from "./scheduler";

/**
 * The server's background jobs. Each integration contributes a factory that returns its job
 * when it is configured (environment), or null.
 */
const factories: (() => Promise<Job | null>)[] = [];

export function registerJobFactory(factory: () => Promise<Job | null>): void {
  factories.push(factory);
}

const holder = globalThis as unknown as { __orgtrailScheduler?: Promise<Scheduler> };

/** Runs a job now on this server (when it holds or can take the lease); false when no scheduler runs in this process. */
export async function runJobNow(name: string): Promise<boolean> {
  const scheduler = holder.__orgtrailScheduler;
  return scheduler ? (await scheduler).runNow(name) : false;
}

export function startBackgroundJobs(): Promise<Scheduler> {
  holder.__orgtrailScheduler ??= (async () => {
    const store = await getStore();
    const jobs = (await Promise.all(factories.map((f) => f()))).filter((j): j is Job => j !== null);
    if (jobs.length > 0) console.error(`orgtrail: background jobs: ${jobs.map((j) => `${j.name} every ${Math.round(j.intervalMs / 1000)} s`).join(", ")}`);
    return startScheduler(store, jobs);
  })();
  return holder.__orgtrailScheduler;
}
