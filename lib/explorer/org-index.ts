import "server-only";
import { getStore, type Store } from "../db/client";
import { apiError } from "../http/errors";
import { listOrgsWithEvents, readLogChunks, readLogHead, readUserIdentities } from "../queries/event-log-reader";
import { EventIndex } from "./event-index";
import { UserDirectory } from "./user-directory";

/**
 * The server's explorer indexes (docs/EXPLORER.md): one per organization, built in the
 * background from the log reader and kept current by the request that needs it. Before an
 * answer the organization's head is read (one short query): events appended since (by this
 * server, the CLI or another server) are read and appended, a retention purge drops the rows
 * it removed, and a changed directory reloads the identities `actor:` / `user:` resolve
 * through. Until the first build completes, requests get a 503 with Retry-After and the
 * progress.
 */

/** Events read per query while building or catching up. */
const READ_CHUNK = 20_000;

export interface ExplorerSnapshot {
  index: EventIndex;
  /** The log's highest sequence number the index holds: what a first page is bound to. */
  lastSeq: number;
  users: UserDirectory;
}

interface Entry {
  store: Store;
  orgId: number;
  index: EventIndex;
  /** Null until the first build has completed. */
  ready: boolean;
  progress: { loaded: number; total: number };
  /** The running build (or null once done or failed). */
  building: Promise<void> | null;
  /** Serializes catch-ups: each request waits for the one before it. */
  sync: Promise<void>;
  users: UserDirectory | null;
}

const registry = globalThis as unknown as { __orgtrailExplorer?: Map<string, Entry> };
const entries = (registry.__orgtrailExplorer ??= new Map());

const keyOf = (store: Store, orgId: number) => `${store.url}\u0000${orgId}`;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads the events after the index's last one up to `upToSeq` into the index. */
async function readInto(entry: Entry, upToSeq: number, onChunk?: (n: number) => void): Promise<void> {
  const index = entry.index;
  if (index.lastSeq >= upToSeq) return;
  const after = Math.max(index.lastSeq, index.purgedUpTo);
  for await (const rows of readLogChunks(entry.store, entry.orgId, after, upToSeq, READ_CHUNK)) {
    index.append(rows);
    onChunk?.(rows.length);
    // Let requests (and the event loop) run between chunks of a long build.
    await yieldToRequests();
  }
  // A gap at the end of the range (sequence numbers are contiguous: a guard, not a case).
  if (index.lastSeq < upToSeq) index.lastSeq = upToSeq;
}

async function build(entry: Entry): Promise<void> {
  const head = await readLogHead(entry.store, entry.orgId);
  const index = new EventIndex(entry.orgId);
  index.purgedUpTo = head.purgedUpTo;
  index.lastSeq = head.purgedUpTo;
  const total = Math.max(0, head.lastSeq - head.purgedUpTo);
  index.reserve(total, true);
  entry.index = index;
  entry.progress = { loaded: 0, total };
  const started = performance.now();
  await readInto(entry, head.lastSeq, (n) => {
    entry.progress.loaded += n;
  });
  // Times sorted now rather than at the first query.
  index.byTime();
  entry.ready = true;
  const m = index.memory();
  if (m.rows > 0) {
    console.error(
      `orgtrail: explorer index of organization ${entry.orgId}: ${m.rows.toLocaleString("en-US")} events in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
        `${((m.columnBytes + m.dictionaryBytes) / 1e6).toFixed(0)} MB (${m.bytesPerEvent.toFixed(0)} bytes per event)`,
    );
  }
}

function entryFor(store: Store, orgId: number): Entry {
  const key = keyOf(store, orgId);
  let entry = entries.get(key);
  // A store closed and opened again (tests): a new entry.
  if (!entry || entry.store !== store) {
    entry = {
      store,
      orgId,
      index: new EventIndex(orgId),
      ready: false,
      progress: { loaded: 0, total: 0 },
      building: null,
      sync: Promise.resolve(),
      users: null,
    };
    entries.set(key, entry);
  }
  return entry;
}

function startBuild(entry: Entry): Promise<void> {
  if (entry.ready) return Promise.resolve();
  entry.building ??= build(entry)
    .catch((error: unknown) => {
      console.error(`orgtrail: explorer index of organization ${entry.orgId} could not be built:`, error instanceof Error ? error.message : error);
      throw error;
    })
    .finally(() => {
      entry.building = null;
    });
  return entry.building;
}

async function catchUp(entry: Entry): Promise<void> {
  const head = await readLogHead(entry.store, entry.orgId);
  if (head.purgedUpTo > entry.index.purgedUpTo) entry.index.purge(head.purgedUpTo);
  if (head.lastSeq > entry.index.lastSeq) await readInto(entry, head.lastSeq);
  if (entry.users === null || entry.users.version !== head.usersVersion) {
    entry.users = new UserDirectory(head.usersVersion, await readUserIdentities(entry.store, entry.orgId));
  }
}

/** The error a request gets while the organization's index is being built. */
function buildingError(entry: Entry) {
  const { loaded, total } = entry.progress;
  const pct = total === 0 ? 0 : Math.floor((loaded / total) * 100);
  return apiError(
    "unavailable",
    `the event explorer is indexing this organization's events (${loaded.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}, ${pct}%); retry in a few seconds`,
    { "Retry-After": "5" },
  );
}

/**
 * The organization's index, current with the log as of now. Throws a 503 (Retry-After) while
 * the first build runs; starts it when none ran yet.
 */
export async function explorerSnapshot(store: Store, orgId: number, options: { wait?: boolean } = {}): Promise<ExplorerSnapshot> {
  const entry = entryFor(store, orgId);
  if (!entry.ready) {
    const building = startBuild(entry);
    if (!options.wait) {
      // A small log is built before its first answer; a large one answers 503 until ready.
      const done = await Promise.race([building.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1500))]);
      if (!done) throw buildingError(entry);
    } else await building;
  }
  const run = entry.sync.then(() => catchUp(entry));
  entry.sync = run.catch(() => {});
  await run;
  return { index: entry.index, lastSeq: entry.index.lastSeq, users: entry.users! };
}

/** Builds the index of every organization with events, one after the other (server start). */
export async function buildExplorerIndexes(store: Store): Promise<void> {
  for (const orgId of await listOrgsWithEvents(store)) {
    try {
      await startBuild(entryFor(store, orgId));
    } catch {
      // Logged by startBuild; the next request retries.
    }
  }
}

/** State of the indexes in this process (for metrics and docs/EXPLORER.md memory figures). */
export function explorerIndexStats(): { orgId: number; ready: boolean; rows: number; bytes: number }[] {
  return [...entries.values()].map((e) => {
    const m = e.index.memory();
    return { orgId: e.orgId, ready: e.ready, rows: m.rows, bytes: m.columnBytes + m.dictionaryBytes };
  });
}

/** Forgets the indexes of a store (tests; a store closed and reopened). */
export function dropExplorerIndexes(store: Store): void {
  for (const [key, entry] of entries) if (entry.store === store) entries.delete(key);
}

/** Server start: builds every organization's index in the background (errors are logged, requests retry). */
export function startExplorerIndexes(): void {
  void getStore()
    .then((store) => buildExplorerIndexes(store))
    .catch((error: unknown) => console.error("orgtrail: explorer indexes not built at start:", error instanceof Error ? error.message : error));
}
