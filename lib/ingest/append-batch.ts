import type { NormalizedEvent } from "../audit/event";
import type { Store } from "../db/client";
import { appendPostgres } from "./write-postgres";
import { appendSqlite } from "./write-sqlite";
import type { BatchExtras, BatchResult } from "./write-plan";

export type { BatchExtras, BatchResult, QuarantineSettlement } from "./write-plan";

/**
 * Appends a batch in one transaction: dedupe, identities, events with contiguous sequence
 * numbers and their chain, the rollups, the lifecycle rows, and the batch's quarantine.
 * Nothing is visible until all of it is. The decisions are the planner's
 * (lib/ingest/plan-batch.ts); each store's executor only writes them.
 */
export async function appendBatch(store: Store, orgId: number, batch: readonly NormalizedEvent[], extras: BatchExtras = {}): Promise<BatchResult> {
  const hasExtras = (extras.quarantine?.batch.lines.length ?? 0) > 0 || extras.retried !== undefined;
  if (batch.length === 0 && !hasExtras) return { accepted: 0, duplicates: 0, stored: [], quarantined: 0 };
  const now = Date.now();
  const sqlite = store.sqlite;
  // Holding Kysely's (single) SQLite connection keeps its other queries out of this transaction.
  if (sqlite) return store.db.connection().execute(async () => appendSqlite(sqlite, orgId, batch, extras, now));
  return appendPostgres(store, orgId, batch, extras, now);
}
