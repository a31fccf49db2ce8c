/**
 * PostgreSQL: `events` partitioned by month (declarative, RANGE on `ts`, epoch milliseconds,
 * UTC months), docs/SCALING.md. The table, its indexes and the partition function are created
 * by migration 0004 (lib/db/migrations/0004-pg-events-by-month.ts); this module creates the
 * partitions new months need, at run time.
 *
 * - No DEFAULT partition. A default partition holding rows of a month blocks creating that
 *   month's partition later (PostgreSQL refuses while the default has rows in the range), so
 *   a default would end up holding every late month forever. Instead each month a batch
 *   needs is created before the batch's transaction (ensureEventPartitions), and an insert
 *   into a month without a partition fails loudly rather than landing somewhere unpruned.
 * - Partitions are created by `orgtrail_event_partitions`, SECURITY DEFINER, owned by the
 *   schema owner (whoever runs the migrations). The application role only EXECUTEs it: if the
 *   app role created a partition it would own it, and an owner may DELETE and TRUNCATE. The
 *   function revokes UPDATE, DELETE and TRUNCATE on each new partition from orgtrail_app (the
 *   schema's default privileges would grant them) and adds the TRUNCATE trigger to it: row
 *   triggers of the parent are cloned onto partitions, statement triggers are not, and a
 *   TRUNCATE of a partition does not fire the parent's.
 * - Race-safe between servers: a transaction-scoped advisory lock around the existence check
 *   and the CREATE, so two servers needing the same new month create it once.
 * - Keys: a primary key and unique indexes of a partitioned table must include the partition
 *   key. (org_id, dedupe_key) stays unique through UNIQUE (org_id, dedupe_key, ts) because the
 *   dedupe key is the SHA-256 of the canonical event, timestamp included
 *   (lib/audit/event.ts), so one key always comes with one ts; the duplicate is therefore in
 *   the same partition and the per-partition unique index sees it. (org_id, seq) stays unique
 *   through PRIMARY KEY (org_id, seq, ts) plus the organization row lock every append takes
 *   (sequence numbers are handed out under it, lib/ingest/append-batch.ts).
 */
import { sql } from "kysely";
import { outsideWindow, type PlausibleWindow } from "../audit/plausible";
import { plausibleWindow } from "../ingest/window";
import type { Store } from "./client";

/** The first millisecond (UTC) of the month holding `ts`. */
export function monthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Months known to have a partition, per store (a process never drops partitions). */
const known = new WeakMap<Store, Set<number>>();

/**
 * Creates the monthly partitions the given timestamps need (PostgreSQL; a no-op elsewhere).
 * Call it outside the batch's transaction: creating a partition locks the parent briefly,
 * which must not be held for the whole append. Only months inside the plausible window
 * (docs/INGEST.md): ingest refuses other times before they get here, and this refuses them
 * again rather than create a partition for year 9999.
 */
export async function ensureEventPartitions(store: Store, timestamps: Iterable<number>): Promise<void> {
  if (store.dialect !== "postgres") return;
  let months = known.get(store);
  if (!months) known.set(store, (months = new Set()));
  const missing = new Set<number>();
  let window: PlausibleWindow | null = null;
  for (const ts of timestamps) {
    const m = monthStart(ts);
    if (months.has(m)) continue;
    window ??= plausibleWindow();
    const outside = outsideWindow(ts, window);
    if (outside !== null) throw new Error(`no partition is created outside the plausible window: ${outside}`);
    if (!months.has(m)) missing.add(m);
  }
  if (missing.size === 0) return;
  const list = [...missing];
  await sql`SELECT orgtrail_event_partitions(${list}::bigint[])`.execute(store.db);
  for (const m of list) months.add(m);
}
