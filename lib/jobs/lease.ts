import type { Store } from "../db/client";
import { HOLDER } from "../db/process-holder";
import { executeIfFree } from "../db/write-if-free";

export { HOLDER };

/**
 * What an attempt on a lease found: `held` (taken or renewed, written), `taken` (another
 * holder's, unexpired), `busy` (SQLite only: another connection held the write lock, so
 * nothing was written and the lease is not held by this attempt; try again later).
 */
export type LeaseAttempt = "held" | "taken" | "busy";

/**
 * Takes or renews the lease named `name` for `ttlMs`. One statement, so two servers racing
 * for an expired lease cannot both win; a dead leader's lease simply expires. On SQLite it
 * never waits for the write lock (the scheduler's ticks would stop the event loop while
 * `orgtrail ingest` commits a batch): `busy` instead.
 */
export async function tryLease(store: Store, name: string, ttlMs: number, holder: string = HOLDER, now = Date.now()): Promise<LeaseAttempt> {
  const rows = await executeIfFree(
    store.db,
    store.db
      .insertInto("job_leases")
      .values({ name, holder, expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet({ holder, expires_at: now + ttlMs })
          .where((eb) => eb.or([eb("job_leases.expires_at", "<", now), eb("job_leases.holder", "=", holder)])),
      )
      .returning("holder"),
  );
  if (rows === null) return "busy";
  return rows[0]?.holder === holder ? "held" : "taken";
}

/** True only when the lease was written for `holder` (tryLease `held`). */
export async function acquireLease(store: Store, name: string, ttlMs: number, holder: string = HOLDER, now = Date.now()): Promise<boolean> {
  return (await tryLease(store, name, ttlMs, holder, now)) === "held";
}

// Waits for the lock (at a stop only): a lease left behind would keep the job from running on any
// other server, or on this one restarted, until it expires (up to twice the job's interval).
export async function releaseLease(store: Store, name: string, holder: string = HOLDER): Promise<void> {
  await store.db.deleteFrom("job_leases").where("name", "=", name).where("holder", "=", holder).execute();
}

export async function currentLeader(store: Store, name: string, now = Date.now()): Promise<string | null> {
  const row = await store.db.selectFrom("job_leases").select(["holder", "expires_at"]).where("name", "=", name).executeTakeFirst();
  return row && Number(row.expires_at) >= now ? row.holder : null;
}
