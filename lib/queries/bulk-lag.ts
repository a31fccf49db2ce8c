import "server-only";
import { bulkWriterLive } from "../db/bulk-writers";
import type { Store } from "../db/client";
import { readDataState } from "../db/data-version";

/**
 * How far behind a dashboard answer may be while a bulk load writes the organization
 * (`orgtrail ingest`: a committed batch every second or so, lib/db/bulk-writers.ts). Then, and
 * only then, an answer made from a version read at most BULK_LAG_MS ago is served even though a
 * newer batch is committed, and it is made again at most every BULK_REBUILD_MS. Once the load
 * ends (its row is removed, or its heartbeat is older than BULK_LIVE_MS) the next request is
 * exact again. The users answer (lib/queries/users-answer.ts) and the activity answers (below)
 * keep this one rule; docs/PERFORMANCE.md "Dashboard routes while a CLI ingest runs".
 */
export const BULK_LAG_MS = 10_000;
export const BULK_REBUILD_MS = 2_000;

interface Lagged {
  value: unknown;
  /** The data version read before the value was made (the value is that store, or newer). */
  version: string;
  /** When that version was read (ms since epoch). */
  readAt: number;
  /** A request started making it again. */
  rebuilding: boolean;
}

/** Answers made during a bulk load, by store, organization and question; small (a few KiB each). */
const answers = new Map<string, Lagged>();
/** Questions being made now: concurrent requests for one share the work. */
const making = new Map<string, Promise<unknown>>();
const MAX_ANSWERS = 64;
let computed = 0;

/** How many answers were made through answerDuringBulk (outside a load, every request): for tests. */
export function bulkLagComputes(): number {
  return computed;
}

function keep(key: string, entry: Lagged): void {
  answers.delete(key);
  answers.set(key, entry);
  while (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!);
}

/** Makes the answer from the version read first, and keeps it; one at a time per question. */
function make<T>(key: string, store: Store, orgId: number, compute: () => Promise<T>, state?: { version: string; readAt: number }): Promise<T> {
  const running = making.get(key);
  if (running) return running as Promise<T>;
  const work = (async () => {
    const readAt = state?.readAt ?? Date.now();
    const version = state?.version ?? (await readDataState(store, orgId)).version;
    computed++;
    const value = await compute();
    keep(key, { value, version, readAt, rebuilding: false });
    return value;
  })();
  making.set(key, work);
  const done = () => {
    if (making.get(key) === work) making.delete(key);
  };
  work.then(done, done);
  return work;
}

/**
 * The answer `compute` makes of the organization's data. Outside a bulk load it is made for
 * every request, exact, as the routes always did. While one writes the organization, an answer
 * made from a version read less than BULK_LAG_MS ago is served, and a request that finds it
 * older than BULK_REBUILD_MS has it made again in the background: the dashboard's activity
 * routes then cost a cached value instead of a query over the tables the load is writing.
 * `key` names the question (its parameters) within the organization.
 */
export async function answerDuringBulk<T>(key: string, store: Store, orgId: number, compute: () => Promise<T>): Promise<T> {
  const readAt = Date.now();
  const { version, bulkBeatAt } = await readDataState(store, orgId);
  const full = `${store.url}|${orgId}|${key}`;
  if (!bulkWriterLive(bulkBeatAt, readAt)) {
    answers.delete(full);
    computed++;
    return compute();
  }
  const hit = answers.get(full);
  if (hit && (hit.version === version || readAt - hit.readAt < BULK_LAG_MS)) {
    if (hit.version !== version && readAt - hit.readAt >= BULK_REBUILD_MS && !hit.rebuilding) {
      hit.rebuilding = true;
      // A failed remake leaves the answer as it was: once it is too old, a request makes it (and reports the error).
      make(full, store, orgId, compute).catch(() => {
        hit.rebuilding = false;
      });
    }
    return hit.value as T;
  }
  return make(full, store, orgId, compute, { version, readAt });
}
