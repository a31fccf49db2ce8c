// A bulk load under way (`orgtrail ingest`): while one writes an organization, every batch it
// commits changes the data its users answer is made from, a few times a second. The writer
// says so in `bulk_writers` (migration 0032) and renews a heartbeat while it writes; the
// server then rebuilds that answer at most every few seconds instead of for every batch
// (lib/queries/users-answer.ts, docs/PERFORMANCE.md "Dashboard routes while a CLI ingest
// runs"). A writer that dies without ending is taken for gone once its heartbeat is old.
import { sql } from "kysely";
import type { Store } from "./client";
import { HOLDER } from "./process-holder";

/** The heartbeat is renewed at most this often (after a committed batch). */
export const BULK_BEAT_MS = 5_000;
/** A writer whose heartbeat is older than this is gone (killed, or waiting on its input). */
export const BULK_LIVE_MS = 30_000;

/** Whether a heartbeat read at `now` (ms) is a live writer's. */
export function bulkWriterLive(beatAt: number | null, now: number): boolean {
  return beatAt !== null && now - beatAt < BULK_LIVE_MS;
}

export interface BulkWriter {
  /** After a committed batch: renews the heartbeat when it is due (never waits, never fails the load). */
  beat(): void;
  /** The load is over (done or failed): removes the row, so the next answer is exact again. */
  end(): Promise<void>;
}

/** Records that this process starts a bulk load of the organization. */
export async function startBulkWriter(store: Store, orgId: number, clock: () => number = Date.now): Promise<BulkWriter> {
  const started = clock();
  await store.db
    .insertInto("bulk_writers")
    .values({ org_id: orgId, holder: HOLDER, started_at: started, beat_at: started })
    .onConflict((oc) => oc.columns(["org_id", "holder"]).doUpdateSet({ started_at: started, beat_at: started }))
    .execute();
  let beatAt = started;
  // The heartbeats and the end run one after another on the store's connection.
  let pending: Promise<unknown> = Promise.resolve();
  let vacuum: Promise<unknown> | null = null;
  let vacuumAt = -Infinity;
  return {
    beat() {
      // PostgreSQL: every batch writes a new version of the user_activity row of each user it
      // names, and autovacuum visits a table at most once a minute, so a long load could leave it
      // many times its live size (2,084 pages for 10,000 users after 5M events, 93 compacted),
      // which every activity query reads whole. Vacuumed every BULK_BEAT_MS (from the first
      // batch on, one at a time, on another connection, never waited for) it stays near a few
      // seconds' worth of dead rows; after every batch it cost 20% more PostgreSQL CPU
      // (docs/PERFORMANCE.md, "Dashboard routes while a CLI ingest runs").
      const at = clock();
      if (store.dialect === "postgres" && !vacuum && at - vacuumAt >= BULK_BEAT_MS) {
        vacuumAt = at;
        vacuum = sql`VACUUM user_activity`
          .execute(store.db)
          .catch(() => undefined)
          .finally(() => (vacuum = null));
      }
      const now = clock();
      if (now - beatAt < BULK_BEAT_MS) return;
      beatAt = now;
      pending = pending
        .then(() => store.db.updateTable("bulk_writers").set({ beat_at: now }).where("org_id", "=", orgId).where("holder", "=", HOLDER).execute())
        // A missed heartbeat only ends the slower rebuilds sooner: the answers become exact again.
        .catch(() => undefined);
    },
    async end() {
      await pending;
      await vacuum;
      await store.db.deleteFrom("bulk_writers").where("org_id", "=", orgId).where("holder", "=", HOLDER).execute();
    },
  };
}
