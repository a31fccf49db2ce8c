import { getStore } from "../db/client";

/**
 * orgtrail's own access log (sign-ins and API calls by accounts), kept in `access_log`, apart
 * from the organizations' audit events. Entries are buffered and written once a second so an
 * API call never waits on a log write.
 */
const accounts = new WeakMap<Request, number>();
let buffer: { at: number; account_id: number | null; method: string; path: string; status: number }[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;

export function noteAccount(request: Request, accountId: number): void {
  accounts.set(request, accountId);
}

/** Logs calls made by an account, and refused ones (401/403); anonymous health checks are not logged. */
export function recordAccess(request: Request, status: number): void {
  const accountId = accounts.get(request) ?? null;
  if (accountId === null && status !== 401 && status !== 403) return;
  buffer.push({ at: Date.now(), account_id: accountId, method: request.method, path: new URL(request.url).pathname, status });
  timer ??= setTimeout(() => void flushAccessLog(), 1000);
}

export async function flushAccessLog(): Promise<void> {
  timer = null;
  const rows = buffer;
  buffer = [];
  if (rows.length === 0) return;
  try {
    const store = await getStore();
    await store.db.insertInto("access_log").values(rows).execute();
  } catch (error) {
    console.error(`orgtrail: could not write ${rows.length} access log entries`, error);
  }
}
