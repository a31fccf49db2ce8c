import type { Store } from "../db/client";

/**
 * SQLite settings for a bulk load by the CLI (a process that only ingests), on top of
 * openStore's: a 32 MiB page cache for the recent end of the event indexes (every index of
 * `events` leads with the organization and then the time or sequence, so a batch of
 * time-ordered events touches neighbouring leaves: the recent end is what stays hot; larger
 * caches measured no faster or ~2% faster at 5M events (64 MiB), and a cache is process memory,
 * bounded by issue 14's 400 MB goal for the whole ingest: docs/PERFORMANCE.md, "The write
 * path, phase 4"), and temporary b-trees in memory.
 * Durability is unchanged: WAL with synchronous=FULL, one fsync per committed batch.
 */
export function bulkLoadPragmas(store: Store): void {
  const db = store.sqlite;
  if (!db) return;
  db.pragma("cache_size = -32768"); // 32 MiB, allocated as used
  db.pragma("temp_store = MEMORY");
  // Checkpoint every 128 MiB of WAL instead of every 4 MiB: a CLI batch (50,000 events) is
  // ~30 MB, so the default checkpointed (copied and synced the database file) after every commit.
  db.pragma("wal_autocheckpoint = 32768");
}
