import type { Store } from "../db/client";

/**
 * SQLite settings for a bulk load by the CLI (a process that only ingests), on top of
 * openStore's: a page cache big enough for the event indexes of a few million events, so
 * the random inserts into the dedupe index stay in memory, and temporary b-trees in memory.
 * Durability is unchanged: WAL with synchronous=FULL, one fsync per committed batch.
 */
export function bulkLoadPragmas(store: Store): void {
  const db = store.sqlite;
  if (!db) return;
  db.pragma("cache_size = -1048576"); // 1 GiB, allocated as used
  db.pragma("temp_store = MEMORY");
  // Checkpoint every 128 MiB of WAL instead of every 4 MiB: a CLI batch (50,000 events) is
  // ~30 MB, so the default checkpointed (copied and synced the database file) after every commit.
  db.pragma("wal_autocheckpoint = 32768");
}
