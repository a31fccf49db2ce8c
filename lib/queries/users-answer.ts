import "server-only";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { UserStatus } from "../activity/status";
import type { ListedUser, UsersResponse } from "../activity/types";
import type { Store } from "../db/client";
import { bulkWriterLive } from "../db/bulk-writers";
import { readDataState } from "../db/data-version";
import { usersToCsv } from "../export/users-csv";
import type { CachedAnswer } from "../http/encoded-response";
import type { Encoding } from "../http/precompressed";
import { BULK_LAG_MS, BULK_REBUILD_MS } from "./bulk-lag";
import { listListedUsers, type ListUsersQuery } from "./list-users";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Which users answer: the JSON list or the CSV export. */
export type UsersAnswerKind = "json" | "csv";

/** The list's query, optionally only the users of one status (`?status=`). */
export interface UsersAnswerQuery extends ListUsersQuery {
  status?: UserStatus;
}

/**
 * One serialized users answer and its compressed forms, made once each and then reused. Its
 * etag is a weak validator: the same for every encoding of the same bytes.
 */
export interface UsersAnswer extends CachedAnswer {
  /** The encodings made so far (a rebuilt answer makes them again before it is asked). */
  encodings(): Encoding[];
}

interface Entry {
  version: string;
  /** When its version was read (ms since epoch): the answer is the store as of then, or newer. */
  readAt: number;
  answer: Promise<UsersAnswer>;
  /** The answer once made. */
  settled: UsersAnswer | null;
  /** The entry's last made answer before this one was started (served while it is made, during a bulk load). */
  previous: Made | null;
  /** What to rebuild it from after a change. */
  kind: UsersAnswerKind;
  store: Store;
  orgId: number;
  q: UsersAnswerQuery;
  /** When a request last took it (ms since epoch). */
  usedAt: number;
  /** A request took it (a rebuilt entry has earned no further rebuild until one does). */
  taken: boolean;
}

interface Made {
  answer: UsersAnswer;
  readAt: number;
}

/**
 * While a bulk load writes the organization, rebuilding the answer for every batch would keep
 * the server's one event loop busy (10,000 users: ~100 ms of reads and serializing per answer)
 * and make most users requests wait for a build: the answer may then lag by BULK_LAG_MS and is
 * rebuilt at most every BULK_REBUILD_MS (the rule of lib/queries/bulk-lag.ts). This is the
 * entry's newest made answer if it was made from a version read less than BULK_LAG_MS before `now`.
 */
function recentAnswer(entry: Entry, now: number): UsersAnswer | null {
  if (entry.settled && now - entry.readAt < BULK_LAG_MS) return entry.settled;
  if (entry.previous && now - entry.previous.readAt < BULK_LAG_MS) return entry.previous.answer;
  return null;
}

/** The entry's newest made answer, to serve while its successor is made. */
function lastMade(entry: Entry | undefined): Made | null {
  if (!entry) return null;
  return entry.settled ? { answer: entry.settled, readAt: entry.readAt } : entry.previous;
}

/**
 * Serialized answers by (kind, organization, asOf, deployment, status); each remembers the store's
 * data version it was made at (organizations.last_seq and the data_versions counter, moved by
 * triggers on every change of users, activity and lifecycle, from any process). A request
 * reads the version first (one indexed row) and reuses the answer only when it is the same,
 * so an ingest or an import, here or in another process, is seen by the next request (while a
 * bulk load runs, by a request at most BULK_LAG_MS later: above). Concurrent requests for a
 * missing answer share one computation.
 */
const cache = new Map<string, Entry>();
/** About 4 MB per 10,000-user answer with its compressed forms. */
const MAX_ENTRIES = 8;
let builds = 0;
let rowBuilds = 0;
/** Validators of another process (or an older build) never match this one's. */
const INSTANCE = randomBytes(4).toString("hex");

/** How many answers were computed (not taken from the cache): for tests. */
export function usersAnswerBuilds(): number {
  return builds;
}

/** How many times the users were read from the store (every status shares one read): for tests. */
export function usersRowsBuilds(): number {
  return rowBuilds;
}

/**
 * The users as of (organization, asOf, deployment) at a data version: the answers of every
 * status (and the CSV) are cut from one read, so `?status=` costs a filter, not a query.
 */
const rowsCache = new Map<string, { version: string; rows: Promise<ListedUser[]> }>();
const MAX_ROWS = 4;

function usersRows(store: Store, orgId: number, q: ListUsersQuery, version: string): Promise<ListedUser[]> {
  const key = `${store.url}|${orgId}|${q.asOf}|${q.deployment}`;
  const hit = rowsCache.get(key);
  if (hit && hit.version === version) return hit.rows;
  rowBuilds++;
  const rows = listListedUsers(store, orgId, { asOf: q.asOf, deployment: q.deployment });
  const entry = { version, rows };
  rowsCache.delete(key);
  rowsCache.set(key, entry);
  while (rowsCache.size > MAX_ROWS) rowsCache.delete(rowsCache.keys().next().value!);
  rows.catch(() => {
    if (rowsCache.get(key) === entry) rowsCache.delete(key);
  });
  return rows;
}

/** Fast levels: the answer is compressed once per data version, and on the admin's wait. */
function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === "br") {
    return brotliAsync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 1,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      },
    });
  }
  return gzipAsync(body, { level: 1 });
}

function makeAnswer(body: Buffer, etag: string): UsersAnswer {
  const encodings = new Map<Encoding, Promise<Buffer>>();
  return {
    etag,
    body,
    encoded(encoding) {
      let done = encodings.get(encoding);
      if (!done) {
        done = compress(body, encoding);
        encodings.set(encoding, done);
      }
      return done;
    },
    encodings: () => [...encodings.keys()],
  };
}

async function build(kind: UsersAnswerKind, store: Store, orgId: number, q: UsersAnswerQuery, version: string, etag: string): Promise<UsersAnswer> {
  builds++;
  const all = await usersRows(store, orgId, q, version);
  const users = q.status ? all.filter((u) => u.status === q.status) : all;
  if (kind === "csv") return makeAnswer(Buffer.from(usersToCsv(users)), etag);
  const response: UsersResponse = { asOf: q.asOf, users };
  return makeAnswer(Buffer.from(JSON.stringify(response)), etag);
}

/** Starts building the answer at `version` and caches it under `key`. */
function startEntry(key: string, from: Omit<Entry, "answer" | "settled" | "previous">, encodings: readonly Encoding[], previous: Made | null): Entry {
  const etag = `W/"${from.kind}-${INSTANCE}-${from.orgId}-${from.q.asOf}-${from.q.deployment}-${from.q.status ?? "all"}-${from.version}"`;
  const answer = build(from.kind, from.store, from.orgId, from.q, from.version, etag).then(async (made) => {
    await Promise.all(encodings.map((e) => made.encoded(e)));
    return made;
  });
  const entry: Entry = { ...from, answer, settled: null, previous };
  void answer.then(
    (made) => {
      entry.settled = made;
      entry.previous = null;
    },
    () => undefined,
  );
  cache.set(key, entry);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  entry.answer.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry;
}

/**
 * Refresh ahead: an answer a request took within KEEP_WARM_MS is rebuilt (with the encodings
 * it was asked in) soon after the store changes, so the admin's next request after an ingest
 * batch or an import usually finds it made. Each request earns at most one such rebuild (a
 * rebuilt answer nobody asked for is not rebuilt again), so the background work is bounded by
 * the requests, and a long ingest nobody watches costs one rebuild per answer. The versions
 * are read every POLL_MS (one indexed row per answer). Outside a bulk load a stale answer is
 * never served: a request after a change that finds no fresh answer builds it.
 */
const KEEP_WARM_MS = 5 * 60_000;
const POLL_MS = 1_000;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleRefresh(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => void refreshChanged(), POLL_MS);
  refreshTimer.unref?.();
}

async function refreshChanged(): Promise<void> {
  for (const [key, entry] of [...cache]) {
    if (!entry.taken || Date.now() - entry.usedAt > KEEP_WARM_MS || cache.get(key) !== entry) continue;
    try {
      const readAt = Date.now();
      const { version, bulkBeatAt } = await readDataState(entry.store, entry.orgId);
      // A request may have replaced the entry meanwhile.
      if (version === entry.version || cache.get(key) !== entry) continue;
      if (bulkWriterLive(bulkBeatAt, readAt) && readAt - entry.readAt < BULK_REBUILD_MS) continue;
      const old = await entry.answer;
      await startEntry(key, { ...entry, version, readAt, taken: false }, old.encodings(), lastMade(entry)).answer;
    } catch {
      // a closed store or a failed build: the next request builds (and reports) it
    }
  }
  refreshTimer = null;
  if ([...cache.values()].some((e) => e.taken && Date.now() - e.usedAt <= KEEP_WARM_MS)) scheduleRefresh();
}

/** The users answer as of q.asOf (of one status when q.status), from the cache when the store has not changed since. */
export async function usersAnswer(kind: UsersAnswerKind, store: Store, orgId: number, q: UsersAnswerQuery): Promise<UsersAnswer> {
  // The version is read before the data: a change committed in between makes the answer
  // newer than its version, never older.
  const readAt = Date.now();
  const { version, bulkBeatAt } = await readDataState(store, orgId);
  const key = `${kind}|${store.url}|${orgId}|${q.asOf}|${q.deployment}|${q.status ?? "all"}`;
  const usedAt = Date.now();
  scheduleRefresh();
  const hit = cache.get(key);
  if (hit) {
    const take = (answer: Promise<UsersAnswer>) => {
      hit.usedAt = usedAt;
      hit.taken = true;
      cache.delete(key);
      cache.set(key, hit);
      return answer;
    };
    const bulk = bulkWriterLive(bulkBeatAt, readAt);
    if (hit.version === version && (hit.settled || !bulk)) return take(hit.answer);
    const recent = bulk ? recentAnswer(hit, readAt) : null;
    if (recent) return take(Promise.resolve(recent));
    if (hit.version === version) return take(hit.answer);
  }
  return startEntry(key, { version, readAt, kind, store, orgId, q, usedAt, taken: true }, [], lastMade(hit)).answer;
}
