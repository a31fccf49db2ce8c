import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Store } from "../db/client";
import type { Database, JobStateTable } from "../db/types";
import { tryWrite } from "../db/write-if-free";
import { describeError, escapeControl } from "../text/escape-control";
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

/**
 * A job's runs not yet written (SQLite, while another connection held the write lock), merged:
 * the latest run, the latest success, and the failures since it.
 */
interface PendingRuns {
  orgId: number | null;
  lastRunAt: number;
  lastSuccessAt: number | null;
  /** A success among them: the stored consecutive failures restart from 0. */
  reset: boolean;
  /** Failures after the last success among them (all of them if none). */
  failures: number;
  totalFailures: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

type Run = { at: number; orgId: number | null; error?: string };

/** Per store (its `db`), per job. */
const pendingRuns = new WeakMap<object, Map<string, PendingRuns>>();
const retryTimers = new WeakMap<object, ReturnType<typeof setTimeout>>();
const RETRY_MS = 1000;

/** A new object (never changed in place). */
function merge(into: PendingRuns | undefined, run: Run): PendingRuns {
  const p = {
    ...(into ?? { orgId: null, lastRunAt: run.at, lastSuccessAt: null, reset: false, failures: 0, totalFailures: 0, lastError: null, lastErrorAt: null }),
  };
  p.orgId = run.orgId;
  p.lastRunAt = run.at;
  if (run.error === undefined) {
    p.lastSuccessAt = run.at;
    p.reset = true;
    p.failures = 0;
  } else {
    p.failures++;
    p.totalFailures++;
    p.lastError = run.error;
    p.lastErrorAt = run.at;
  }
  return p;
}

/** One statement (so that on SQLite it can be tried without waiting): the row is created if missing. */
function upsertRuns(db: Kysely<Database>, name: string, p: PendingRuns) {
  return db
    .insertInto("job_state")
    .values({
      name,
      checkpoint: null,
      org_id: p.orgId,
      last_run_at: p.lastRunAt,
      last_success_at: p.lastSuccessAt,
      last_error: p.lastError,
      last_error_at: p.lastErrorAt,
      consecutive_failures: p.failures,
      total_failures: p.totalFailures,
    })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet((eb) => ({
        org_id: eb.ref("excluded.org_id"),
        last_run_at: eb.ref("excluded.last_run_at"),
        last_success_at: eb.fn.coalesce("excluded.last_success_at", "job_state.last_success_at"),
        last_error: eb.fn.coalesce("excluded.last_error", "job_state.last_error"),
        last_error_at: eb.fn.coalesce("excluded.last_error_at", "job_state.last_error_at"),
        consecutive_failures: p.reset
          ? eb.ref("excluded.consecutive_failures")
          : eb(eb.ref("job_state.consecutive_failures"), "+", eb.ref("excluded.consecutive_failures")),
        total_failures: eb(eb.ref("job_state.total_failures"), "+", eb.ref("excluded.total_failures")),
      })),
    )
    .returning("consecutive_failures");
}

/** Writes the kept runs of `name` if the SQLite write lock is free: the consecutive failures, or null (still kept). Synchronous. */
function writeKeptNow(db: Kysely<Database>, sqlite: BetterSqlite3.Database, pending: Map<string, PendingRuns>, name: string): number | null {
  const rows = tryWrite(sqlite, upsertRuns(db, name, pending.get(name)!).compile());
  if (rows === null) return null;
  pending.delete(name);
  return Number(rows[0]?.consecutive_failures ?? 0);
}

function retryLater(store: Store): void {
  if (retryTimers.has(store.db)) return;
  retryTimers.set(
    store.db,
    setTimeout(() => {
      retryTimers.delete(store.db);
      void flushJobRuns(store);
    }, RETRY_MS),
  );
}

/**
 * Writes the job runs kept for `store` (SQLite only keeps any): each only if the write lock is
 * free; the rest stay kept and are tried again a second later, for as long as it takes.
 * `wait`: writes them all, waiting for the lock (a scheduler's stop, so that none is lost).
 */
export async function flushJobRuns(store: Store, options: { wait?: boolean } = {}): Promise<void> {
  const pending = pendingRuns.get(store.db);
  const sqlite = store.sqlite;
  if (!pending || !sqlite) return;
  if (options.wait) {
    clearTimeout(retryTimers.get(store.db));
    retryTimers.delete(store.db);
  }
  for (const [name, p] of [...pending]) {
    try {
      if (!options.wait) {
        writeKeptNow(store.db, sqlite, pending, name);
        continue;
      }
      pending.delete(name);
      await upsertRuns(store.db, name, p).execute();
    } catch (error) {
      pending.delete(name);
      console.error(`orgtrail: could not record the run of job ${escapeControl(name)}: ${describeError(error)}`);
    }
  }
  if (pending.size > 0) retryLater(store);
}

/**
 * Records a run; returns the job's consecutive failures after it. PostgreSQL: written now.
 * SQLite: written now if the write lock is free; else kept (merged with the job's later runs)
 * and written by flushJobRuns once it is, the count then read from the row plus the kept runs.
 */
async function recordRun(store: Store, name: string, run: Run): Promise<number> {
  const sqlite = store.sqlite;
  if (!sqlite) {
    const row = await upsertRuns(store.db, name, merge(undefined, run)).executeTakeFirst();
    return Number(row?.consecutive_failures ?? 0);
  }
  let pending = pendingRuns.get(store.db);
  if (!pending) pendingRuns.set(store.db, (pending = new Map()));
  const p = merge(pending.get(name), run);
  pending.set(name, p);
  try {
    const written = writeKeptNow(store.db, sqlite, pending, name);
    if (written !== null) return written;
  } catch (error) {
    pending.delete(name);
    throw error;
  }
  retryLater(store);
  if (p.reset) return p.failures;
  // Read in the same synchronous step as the attempt (a WAL read does not wait for the writer),
  // so a retry cannot write the kept runs between the two and have them counted twice.
  const query = store.db.selectFrom("job_state").select("consecutive_failures").where("name", "=", name).compile();
  const row = sqlite.prepare(query.sql).get(...(query.parameters as unknown[])) as { consecutive_failures: number } | undefined;
  return Number(row?.consecutive_failures ?? 0) + p.failures;
}

export async function recordJobSuccess(store: Store, name: string, at = Date.now(), orgId: number | null = null): Promise<void> {
  await recordRun(store, name, { at, orgId });
}

export async function recordJobFailure(store: Store, name: string, error: unknown, at = Date.now(), orgId: number | null = null): Promise<number> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  return recordRun(store, name, { at, orgId, error: message });
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
