import "server-only";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { UserStatus } from "../activity/status";
import type { ListedUser, UsersResponse } from "../activity/types";
import type { Store } from "../db/client";
import { readDataVersion } from "../db/data-version";
import { usersToCsv } from "../export/users-csv";
import type { CachedAnswer } from "../http/encoded-response";
import type { Encoding } from "../http/precompressed";
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
  answer: Promise<UsersAnswer>;
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

/**
 * Serialized answers by (kind, organization, asOf, deployment, status); each remembers the store's
 * data version it was made at (organizations.last_seq and the data_versions counter, moved by
 * triggers on every change of users, activity and lifecycle, from any process). A request
 * reads the version first (one indexed row) and reuses the answer only when it is the same,
 * so an ingest or an import, here or in another process, is seen by the next request.
 * Concurrent requests for a missing answer share one computation.
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
function startEntry(key: string, from: Omit<Entry, "answer">, encodings: readonly Encoding[]): Entry {
  const etag = `W/"${from.kind}-${INSTANCE}-${from.orgId}-${from.q.asOf}-${from.q.deployment}-${from.q.status ?? "all"}-${from.version}"`;
  const answer = build(from.kind, from.store, from.orgId, from.q, from.version, etag).then(async (made) => {
    await Promise.all(encodings.map((e) => made.encoded(e)));
    return made;
  });
  const entry: Entry = { ...from, answer };
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
 * are read every POLL_MS (one indexed row per answer). A stale answer is still never served:
 * a request after a change that finds no fresh answer builds it.
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
      const version = await readDataVersion(entry.store, entry.orgId);
      // A request may have replaced the entry meanwhile.
      if (version === entry.version || cache.get(key) !== entry) continue;
      const old = await entry.answer;
      await startEntry(key, { ...entry, version, taken: false }, old.encodings()).answer;
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
  const version = await readDataVersion(store, orgId);
  const key = `${kind}|${store.url}|${orgId}|${q.asOf}|${q.deployment}|${q.status ?? "all"}`;
  const usedAt = Date.now();
  scheduleRefresh();
  const hit = cache.get(key);
  if (hit && hit.version === version) {
    hit.usedAt = usedAt;
    hit.taken = true;
    cache.delete(key);
    cache.set(key, hit);
    return hit.answer;
  }
  return startEntry(key, { version, kind, store, orgId, q, usedAt, taken: true }, []).answer;
}
