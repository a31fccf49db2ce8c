/**
 * orgtrail's own access log (`access_log`), kept apart from the organizations' audit events
 * (SPEC §4): who signed in, out, had a key rotated or sessions revoked, which calls accounts
 * made, and which requests were refused. Admins read it on the Settings page
 * (lib/queries/list-access-log.ts); a daily job deletes entries older than
 * ORGTRAIL_ACCESS_LOG_DAYS (lib/auth/jobs.ts).
 *
 * A flood must not grow it without bound, so requests are aggregated: refused ones (401, 403,
 * 429) into one entry per client address, status and minute (past 1,000 addresses in a minute,
 * the rest share one "(other clients)" entry; a signed-in account's 403s apart per account),
 * an account's calls into one entry per client, minute, method, path and status. Aggregates are buffered and written once a second (an API
 * call never waits on the log; on SQLite not while another process holds the write lock, up to
 * MAX_DEFER_MS), merged by their unique `bucket` key, so several servers on one store add up. Sign-ins, sign-outs, key rotations and revocations are single entries,
 * written at once.
 *
 * API for sign-in flows (password, single sign-on):
 *   await recordAuthEvent(db, "sign_in", { request, accountId, username, detail: "sso" });
 *   recordRefusal({ request, username: email, detail: "no_role" });   // or recordAuthEvent(db, "sign_in_refused", ...)
 * (a refused sign-in is aggregated like any refused request).
 */
import type { Kysely } from "kysely";
import { getStore } from "../db/client";
import type { Database } from "../db/types";
import { writeIfFree } from "../db/write-if-free";
import { clientAddress } from "./client-address";

export type AuthEventKind = "sign_in" | "sign_out" | "key_rotated" | "sessions_revoked" | "sign_in_refused";
/** What an entry of the log is. */
export type AccessEvent = "request" | "refused" | Exclude<AuthEventKind, "sign_in_refused">;

export const ACCESS_EVENTS: readonly AccessEvent[] = ["request", "refused", "sign_in", "sign_out", "key_rotated", "sessions_revoked"];

const MINUTE_MS = 60_000;
/** Distinct refused clients per minute and process before they share one entry. */
const CLIENTS_PER_MINUTE = 1_000;
/** Aggregates waiting for the next write, at most. */
const MAX_PENDING = 10_000;
/**
 * On SQLite, how long aggregates wait for the write lock to be free (while `orgtrail ingest`
 * holds it for its batches) before a flush waits for it: a write that waits blocks the event
 * loop, so every request, until the batch commits.
 */
const MAX_DEFER_MS = 10_000;
export const OTHER_CLIENTS = "(other clients)";

interface Note {
  accountId?: number;
  username?: string;
}
const notes = new WeakMap<Request, Note>();

/** The request was made by this account (authorize.ts). */
export function noteAccount(request: Request, accountId: number, username?: string): void {
  notes.set(request, { ...notes.get(request), accountId, username });
}

/** The username a request tried (kept with the entry if it is refused). */
export function noteAttempt(request: Request, username: string): void {
  notes.set(request, { ...notes.get(request), username });
}

type Row = {
  at: number;
  last_at: number;
  account_id: number | null;
  username: string | null;
  client: string | null;
  user_agent: string | null;
  method: string;
  path: string;
  status: number;
  event: AccessEvent;
  detail: string | null;
  count: number;
  bucket: string | null;
};

const state = globalThis as unknown as {
  __orgtrailAccessLog?: {
    pending: Map<string, Row>;
    clients: Map<number, Set<string>>;
    dropped: number;
    timer: ReturnType<typeof setTimeout> | null;
    /** When a flush first found the SQLite write lock taken, until one writes. */
    deferredSince: number | null;
  };
};
function buffer() {
  state.__orgtrailAccessLog ??= { pending: new Map(), clients: new Map(), dropped: 0, timer: null, deferredSince: null };
  return state.__orgtrailAccessLog;
}

const cut = (s: string | null | undefined, n: number) => (s == null ? null : s.slice(0, n));
const isRefusal = (status: number) => status === 401 || status === 403 || status === 429;

/** The client as an aggregation key: one of the first CLIENTS_PER_MINUTE of its minute, or OTHER_CLIENTS. */
function boundedClient(minute: number, client: string): string {
  const b = buffer();
  for (const m of b.clients.keys()) if (m < minute - MINUTE_MS) b.clients.delete(m);
  let seen = b.clients.get(minute);
  if (!seen) b.clients.set(minute, (seen = new Set()));
  if (seen.has(client)) return client;
  if (seen.size >= CLIENTS_PER_MINUTE) return OTHER_CLIENTS;
  seen.add(client);
  return client;
}

function aggregate(row: Omit<Row, "bucket" | "count" | "at" | "last_at">, key: string, now: number): void {
  const b = buffer();
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const bucket = `${row.event} ${minute} ${key}`;
  const existing = b.pending.get(bucket);
  if (existing) {
    existing.count++;
    existing.last_at = now;
    Object.assign(existing, {
      status: row.status,
      method: row.method,
      path: row.path,
      username: row.username ?? existing.username,
      user_agent: row.user_agent ?? existing.user_agent,
      detail: row.detail ?? existing.detail,
    });
  } else if (b.pending.size >= MAX_PENDING) {
    b.dropped++;
  } else {
    b.pending.set(bucket, { ...row, at: minute, last_at: now, count: 1, bucket });
  }
  b.timer ??= setTimeout(() => void flushAccessLog(), 1000);
}

/**
 * Called for every response by lib/http/error-response.ts `handle()`: refusals and account calls are
 * aggregated; anonymous calls that were not refused (health checks, sign-in pages) are not logged.
 */
export function recordAccess(request: Request, status: number, now = Date.now()): void {
  const note = notes.get(request) ?? {};
  const refused = isRefusal(status);
  if (!refused && note.accountId === undefined) return;
  const url = new URL(request.url);
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const client = refused ? boundedClient(minute, clientAddress(request)) : clientAddress(request);
  const row = {
    account_id: note.accountId ?? null,
    username: cut(note.username, 128),
    client,
    user_agent: cut(request.headers.get("user-agent"), 300),
    method: request.method,
    path: cut(url.pathname, 300)!,
    status,
    event: (refused ? "refused" : "request") as AccessEvent,
    detail: null,
  };
  // Refusals: per client, status and (for a signed-in account's 403) account; calls: per account, client, method, path and status.
  aggregate(row, refused ? `${client} ${status} ${note.accountId ?? "-"}` : `${note.accountId} ${client} ${request.method} ${row.path} ${status}`, now);
}

export interface AuthEventInput {
  request?: Request;
  accountId?: number | null;
  username?: string | null;
  /** Where it came from when there is no request (the CLI: `cli`). */
  client?: string | null;
  detail?: string | null;
  at?: number;
}

/**
 * Writes one sign-in, sign-out, key rotation or revocation (at once), or aggregates a refused
 * sign-in like any refused request. Never throws: the log must not break a sign-in.
 */
export async function recordAuthEvent(db: Kysely<Database>, kind: AuthEventKind, input: AuthEventInput = {}): Promise<void> {
  const now = input.at ?? Date.now();
  const request = input.request;
  const url = request ? new URL(request.url) : null;
  const client = input.client ?? (request ? clientAddress(request) : "cli");
  const base = {
    account_id: input.accountId ?? null,
    username: cut(input.username, 128),
    user_agent: cut(request?.headers.get("user-agent"), 300),
    method: request?.method ?? "CLI",
    path: cut(url?.pathname, 300) ?? `orgtrail admin`,
    detail: cut(input.detail, 500),
  };
  if (kind === "sign_in_refused") {
    recordRefusal(input, now);
    return;
  }
  try {
    await db
      .insertInto("access_log")
      .values({ ...base, client, at: now, last_at: now, status: 200, event: kind, count: 1, bucket: null })
      .execute();
  } catch (error) {
    console.error(`orgtrail: could not write the access log entry ${kind}:`, error instanceof Error ? error.message : error);
  }
}

/** A refused sign-in (no store needed: aggregated like any refused request, written within a second). */
export function recordRefusal(input: Omit<AuthEventInput, "accountId">, now = input.at ?? Date.now()): void {
  const request = input.request;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const client = boundedClient(minute, input.client ?? (request ? clientAddress(request) : "cli"));
  const row = {
    account_id: null,
    username: cut(input.username, 128),
    user_agent: cut(request?.headers.get("user-agent"), 300),
    method: request?.method ?? "CLI",
    path: cut(request ? new URL(request.url).pathname : null, 300) ?? "orgtrail admin",
    detail: cut(input.detail, 500),
    client,
    status: 401,
    event: "refused" as AccessEvent,
  };
  aggregate(row, `${client} 401 -`, now);
}

/** Puts aggregates a flush could not write back, merged with those that arrived meanwhile, for the next flush. */
function defer(rows: readonly Row[], now: number): void {
  const b = buffer();
  b.deferredSince ??= now;
  for (const row of rows) {
    const newer = b.pending.get(row.bucket!);
    if (newer) {
      newer.count += row.count;
      newer.at = Math.min(newer.at, row.at);
      newer.last_at = Math.max(newer.last_at, row.last_at);
    } else b.pending.set(row.bucket!, row);
  }
  b.timer ??= setTimeout(() => void flushAccessLog(), 1000);
}

/**
 * Writes the buffered aggregates (merged into existing entries of the same bucket). On SQLite,
 * only if the write lock is free: else they are kept for the next flush, a second later, until
 * they have waited MAX_DEFER_MS; then the flush waits for the lock as any write does.
 */
export async function flushAccessLog(now = Date.now()): Promise<void> {
  const b = buffer();
  b.timer = null;
  const rows = [...b.pending.values()];
  b.pending.clear();
  const dropped = b.dropped;
  b.dropped = 0;
  if (dropped > 0) console.error(`orgtrail: access log: ${dropped} entries dropped (more than ${MAX_PENDING} distinct entries in a second)`);
  if (rows.length === 0) return;
  try {
    const { db, sqlite } = await getStore();
    const mayDefer = sqlite !== undefined && now - (b.deferredSince ?? now) < MAX_DEFER_MS;
    for (let i = 0; i < rows.length; i += 500) {
      const insert = db
        .insertInto("access_log")
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column("bucket").doUpdateSet((eb) => ({
            count: eb(eb.ref("access_log.count"), "+", eb.ref("excluded.count")),
            last_at: eb.ref("excluded.last_at"),
            status: eb.ref("excluded.status"),
            method: eb.ref("excluded.method"),
            path: eb.ref("excluded.path"),
            username: eb.fn.coalesce("excluded.username", "access_log.username"),
            user_agent: eb.fn.coalesce("excluded.user_agent", "access_log.user_agent"),
          })),
        );
      if (!mayDefer) await insert.execute();
      else if (!writeIfFree(sqlite, insert.compile())) return defer(rows.slice(i), now);
    }
    b.deferredSince = null;
  } catch (error) {
    console.error(`orgtrail: could not write ${rows.length} access log entries:`, error instanceof Error ? error.message : error);
  }
}

/** Deletes entries older than `days` (in slices, so a large table is never locked long); returns how many. */
export async function purgeAccessLog(db: Kysely<Database>, days: number, now = Date.now(), signal?: AbortSignal): Promise<number> {
  const cutoff = now - days * 86_400_000;
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const ids = await db.selectFrom("access_log").select("id").where("at", "<", cutoff).orderBy("at").limit(5_000).execute();
    if (ids.length === 0) return total;
    const result = await db
      .deleteFrom("access_log")
      .where(
        "id",
        "in",
        ids.map((r) => r.id),
      )
      .executeTakeFirst();
    total += Number(result.numDeletedRows);
  }
}
