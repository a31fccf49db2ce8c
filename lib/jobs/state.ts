import type { Kysely } from "kysely";
import type { Store } from "../db/client";
import type { Database, JobStateTable } from "../db/types";
import { jobVisible, type JobViewer } from "./visibility";

/** `orgId`: the organization a job works for; omitted for an instance-wide job (bucket sync, pull, checkpoints...). */
async function ensureRow(db: Kysely<Database>, name: string, orgId: number | null = null): Promise<void> {
  await db
    .insertInto("job_state")
    .values({ name, checkpoint: null, consecutive_failures: 0, total_failures: 0, org_id: orgId })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
}

export async function loadCheckpoint(db: Kysely<Database>, name: string): Promise<string | null> {
  const row = await db.selectFrom("job_state").select("checkpoint").where("name", "=", name).executeTakeFirst();
  return row?.checkpoint ?? null;
}

/** Saves a job's checkpoint; pass a transaction to move it atomically with the job's own writes. */
export async function saveCheckpoint(db: Kysely<Database>, name: string, checkpoint: string): Promise<void> {
  await ensureRow(db, name);
  await db.updateTable("job_state").set({ checkpoint }).where("name", "=", name).execute();
}

/** Saves a job's progress (JSON for the Data page; null clears it). */
export async function saveJobProgress(db: Kysely<Database>, name: string, progress: string | null): Promise<void> {
  await ensureRow(db, name);
  await db.updateTable("job_state").set({ progress }).where("name", "=", name).execute();
}

export async function recordJobSuccess(store: Store, name: string, at = Date.now(), orgId: number | null = null): Promise<void> {
  await ensureRow(store.db, name, orgId);
  await store.db
    .updateTable("job_state")
    .set({ last_run_at: at, last_success_at: at, consecutive_failures: 0, org_id: orgId })
    .where("name", "=", name)
    .execute();
}

export async function recordJobFailure(store: Store, name: string, error: unknown, at = Date.now(), orgId: number | null = null): Promise<number> {
  await ensureRow(store.db, name, orgId);
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const row = await store.db
    .updateTable("job_state")
    .set((eb) => ({
      last_run_at: at,
      last_error: message,
      last_error_at: at,
      consecutive_failures: eb("consecutive_failures", "+", 1),
      total_failures: eb("total_failures", "+", 1),
      org_id: orgId,
    }))
    .where("name", "=", name)
    .returning("consecutive_failures")
    .executeTakeFirst();
  return Number(row?.consecutive_failures ?? 1);
}

/**
 * Job states. Without `viewer`: all of them (the CLI, /metrics with its token). With it: those
 * the viewer may see (lib/jobs/visibility.ts): its organization's jobs, and the instance-wide
 * ones only for an instance admin (their errors name buckets, upstreams, other organizations).
 */
export async function listJobStates(db: Kysely<Database>, viewer?: JobViewer): Promise<JobStateTable[]> {
  const rows = await db.selectFrom("job_state").selectAll().orderBy("name").execute();
  return viewer ? rows.filter((r) => jobVisible(r, viewer)) : rows;
}
