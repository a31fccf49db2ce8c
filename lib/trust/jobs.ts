// Trust jobs: a signed checkpoint of every organization's chain every
// ORGTRAIL_CHECKPOINT_INTERVAL_SECONDS (hourly), and the daily retention purge (docs/SECURITY.md).
import type { Store } from "../db/client";
import { env } from "../env";
import type { Job } from "../jobs/scheduler";
import { registerJobFactory } from "../jobs/start";
import { createCheckpoint } from "./checkpoint";
import { purgeExpired } from "./purge";

export const CHECKPOINT_JOB = "checkpoints";
export const PURGE_JOB = "retention-purge";

/** Signs a checkpoint for each organization with events not covered by one yet; returns how many. */
export async function checkpointAllOrgs(store: Store, signal?: AbortSignal): Promise<number> {
  const orgs = await store.db
    .selectFrom("organizations")
    .leftJoin("checkpoints", "checkpoints.org_id", "organizations.id")
    .select((eb) => [
      "organizations.id as id",
      "organizations.slug as slug",
      "organizations.last_seq as last_seq",
      eb.fn.max("checkpoints.to_seq").as("signed"),
    ])
    .groupBy(["organizations.id", "organizations.slug", "organizations.last_seq"])
    .execute();
  let made = 0;
  const failures: string[] = [];
  for (const org of orgs) {
    signal?.throwIfAborted();
    if (Number(org.last_seq) <= Number(org.signed ?? 0)) continue;
    try {
      await createCheckpoint(store, org.id);
      made++;
    } catch (error) {
      failures.push(`${org.slug}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`checkpoints failed: ${failures.join("; ")}`);
  return made;
}

export function createCheckpointJob(intervalMs: number): Job {
  return {
    name: CHECKPOINT_JOB,
    intervalMs,
    async run({ store, signal }) {
      await checkpointAllOrgs(store, signal);
    },
  };
}

export function createPurgeJob(retentionDays: number, intervalMs = 86_400_000): Job {
  return {
    name: PURGE_JOB,
    intervalMs,
    async run({ store, signal }) {
      const orgs = await store.db.selectFrom("organizations").select(["id", "slug"]).orderBy("slug").execute();
      for (const org of orgs) {
        signal.throwIfAborted();
        const result = await purgeExpired(store, org.id, { retentionDays });
        if (result.count > 0)
          console.error(`orgtrail: retention purge: ${org.slug}: events ${result.fromSeq}-${result.upToSeq} (${result.count}) older than ${result.cutoff}`);
      }
    },
  };
}

registerJobFactory(async () => createCheckpointJob(env().ORGTRAIL_CHECKPOINT_INTERVAL_SECONDS * 1000));
registerJobFactory(async () => createPurgeJob(env().ORGTRAIL_RETENTION_DAYS));
