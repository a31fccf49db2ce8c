import "server-only";
import type { Store } from "../db/client";
import { jobView, type JobRow } from "../sources/data-status";
import type { IntegrityStatusView } from "../sources/data-views";
import { latestIntegrityCheck } from "../trust/integrity-checks";

// lib/trust/jobs.ts CHECKPOINT_JOB (not imported: that module registers the server's jobs when loaded).
const CHECKPOINT_JOB = "checkpoints";

/**
 * What is known of an organization's integrity without walking its chain: the last signed
 * checkpoint and the last verification. The checkpoint job is instance-wide: its error (which
 * names the organizations that failed) only for instance admins.
 */
export async function getIntegrityStatus(store: Store, orgId: number, checkpointIntervalSeconds: number, instanceAdmin = false): Promise<IntegrityStatusView> {
  const db = store.db;
  const [org, purge, checkpoint, job, lastCheck] = await Promise.all([
    db.selectFrom("organizations").select("last_seq").where("id", "=", orgId).executeTakeFirstOrThrow(),
    db.selectFrom("event_purges").select("up_to_seq").where("org_id", "=", orgId).orderBy("up_to_seq", "desc").limit(1).executeTakeFirst(),
    db
      .selectFrom("checkpoints")
      .select(["from_seq", "to_seq", "created_at", "key_id"])
      .where("org_id", "=", orgId)
      .orderBy("to_seq", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom("job_state").selectAll().where("name", "=", CHECKPOINT_JOB).executeTakeFirst(),
    latestIntegrityCheck(db, orgId),
  ]);
  const lastSeq = Number(org.last_seq);
  const purgedThrough = Number(purge?.up_to_seq ?? 0);
  const signedThrough = Math.max(Number(checkpoint?.to_seq ?? 0), purgedThrough);
  return {
    eventsStored: Math.max(0, lastSeq - purgedThrough),
    lastSeq,
    purgedThrough,
    lastCheckpoint: checkpoint
      ? {
          fromSeq: Number(checkpoint.from_seq),
          toSeq: Number(checkpoint.to_seq),
          createdAt: new Date(Number(checkpoint.created_at)).toISOString(),
          keyId: checkpoint.key_id,
        }
      : null,
    unsignedEvents: Math.max(0, lastSeq - signedThrough),
    checkpointIntervalSeconds,
    checkpointJob: job ? { ...jobView(job as unknown as JobRow), ...(instanceAdmin ? {} : { lastError: null }) } : null,
    lastCheck,
  };
}
