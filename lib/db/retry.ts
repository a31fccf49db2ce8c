// Bounded retry of a SQLite write lock that stayed busy for longer than busy_timeout
// (docs/RELIABILITY.md, "Faults"). Only the start of a write transaction is retried: nothing
// of it has run yet, so running it again cannot apply anything twice.

/** Pauses between attempts, in ms; with busy_timeout waited on each attempt the total is bounded. */
export const BUSY_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600, 3200] as const;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY...). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_"));
}

/** Runs `begin` until it does not fail with SQLITE_BUSY, at most BUSY_RETRY_DELAYS_MS.length more times. */
export async function retryBusy<T>(begin: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await begin();
    } catch (error) {
      const delay = BUSY_RETRY_DELAYS_MS[attempt];
      if (!isSqliteBusy(error) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The synchronous form, for better-sqlite3's transactions. It blocks the thread between
 * attempts, as SQLite's own busy_timeout already does while it waits for the lock.
 * `retryable` (checked after a failure) says whether the attempt failed before it began.
 */
export function retryBusySync<T>(begin: () => T, retryable: () => boolean = () => true): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return begin();
    } catch (error) {
      const delay = BUSY_RETRY_DELAYS_MS[attempt];
      if (!isSqliteBusy(error) || delay === undefined || !retryable()) throw error;
      Atomics.wait(sleeper, 0, 0, delay);
    }
  }
}
