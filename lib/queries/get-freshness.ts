import "server-only";
import type { Store } from "../db/client";
import type { FreshnessInput } from "../sources/data-status";

/**
 * The newest event's timestamp (an index probe on events (org_id, ts)), when the event with the
 * highest sequence number was stored, and how many events the organization holds (its sequence
 * numbers are contiguous after the latest retention purge, so no count over the log).
 */
export async function getFreshness(store: Store, orgId: number): Promise<FreshnessInput> {
  const db = store.db;
  const org = await db.selectFrom("organizations").select("last_seq").where("id", "=", orgId).executeTakeFirstOrThrow();
  const lastSeq = Number(org.last_seq);
  if (lastSeq === 0) return { newestEventTs: null, lastReceivedAt: null, eventsStored: 0 };
  const [newest, last, purge] = await Promise.all([
    db.selectFrom("events").select("ts").where("org_id", "=", orgId).orderBy("ts", "desc").limit(1).executeTakeFirst(),
    db.selectFrom("events").select("ingested_at").where("org_id", "=", orgId).where("seq", "=", lastSeq).executeTakeFirst(),
    db.selectFrom("event_purges").select("up_to_seq").where("org_id", "=", orgId).orderBy("up_to_seq", "desc").limit(1).executeTakeFirst(),
  ]);
  return {
    newestEventTs: newest ? Number(newest.ts) : null,
    lastReceivedAt: last ? Number(last.ingested_at) : null,
    eventsStored: Math.max(0, lastSeq - Number(purge?.up_to_seq ?? 0)),
  };
}
