import type { Store } from "../db/client";
import { HOLDER } from "../db/process-holder";

export { HOLDER };

/**
 * Takes or renews the lease named `name` for `ttlMs`. One statement, so two servers racing
 * for an expired lease cannot both win; a dead leader's lease simply expires.
 */
export async function acquireLease(store: Store, name: string, ttlMs: number, holder: string = HOLDER, now = Date.now()): Promise<boolean> {
  const row = await store.db
    .insertInto("job_leases")
    .values({ name, holder, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: now + ttlMs })
        .where((eb) => eb.or([eb("job_leases.expires_at", "<", now), eb("job_leases.holder", "=", holder)])),
    )
    .returning("holder")
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(store: Store, name: string, holder: string = HOLDER): Promise<void> {
  await store.db.deleteFrom("job_leases").where("name", "=", name).where("holder", "=", holder).execute();
}

export async function currentLeader(store: Store, name: string, now = Date.now()): Promise<string | null> {
  const row = await store.db.selectFrom("job_leases").select(["holder", "expires_at"]).where("name", "=", name).executeTakeFirst();
  return row && Number(row.expires_at) >= now ? row.holder : null;
}
