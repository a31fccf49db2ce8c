import "server-only";
/**
 * The explorer's answers for the routes (docs/EXPLORER.md): a page of events newest first
 * with the exact total and a signed cursor, facets, matches per day, and every match oldest
 * first for exports and `/admin/audit_logs?q=`. Each answer brings the organization's index
 * up to date first (lib/explorer/org-index.ts) and reads the stored lines of the events it
 * returns through the log reader.
 */
import type { AuditLogFilters } from "../audit/audit-log-params";
import { cursorKey } from "../audit/cursor-key";
import { formatDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import { EVENTS_CSV_HEADER, eventToCsvRecord } from "../export/events-csv";
import { canonicalQuery, parseFilter } from "../filter/parse-filter";
import { createdSpan, type FilterQuery } from "../filter/query";
import { badRequest } from "../http/errors";
import { readEventBodies } from "../queries/event-log-reader";
import type { AuditLogRow } from "../queries/page-audit-logs";
import { dayCounts, facetCounts, pageRows, topValues, walkForward, type FacetField, type Position } from "./answers";
import { decodeExplorerCursor, encodeExplorerCursor, queryDigest } from "./cursor";
import { explorerSnapshot, type ExplorerSnapshot } from "./org-index";
import type { UserDirectory } from "./user-directory";
import { compilePlan, type FieldFilter, type Identities, type Plan } from "./plan";

/** Parses `q`; a malformed query is a 400 whose message names the term and its position. */
export function parseQueryParam(q: string | undefined): FilterQuery {
  const parsed = parseFilter(q ?? "");
  if (!parsed.ok) throw badRequest(`invalid q: ${parsed.error.message}`);
  return parsed.query;
}

/** The users each `actor:` / `user:` value of the query names. */
function identities(query: FilterQuery, users: UserDirectory): Identities {
  const actor = new Map<string, number[]>();
  const user = new Map<string, number[]>();
  for (const t of query.terms) {
    const c = t.condition;
    if (c.kind === "actor" && !actor.has(c.value)) actor.set(c.value, users.resolve(c.value));
    if (c.kind === "user" && !user.has(c.value)) user.set(c.value, users.resolve(c.value));
  }
  return { actor, user };
}

function plan(snap: ExplorerSnapshot, query: FilterQuery, fields: readonly FieldFilter[] = []): Plan {
  return compilePlan(snap.index, query, identities(query, snap.users), fields);
}

export interface EventsPage {
  /** Stored lines (schema keys only), newest first. */
  events: string[];
  total: number;
  nextCursor: string | null;
}

/** A page of matches, newest first (timestamp, then ingest order, both descending). */
export async function searchEvents(store: Store, orgId: number, query: FilterQuery, o: { limit: number; cursor: string | null }): Promise<EventsPage> {
  const key = await cursorKey(store);
  const digest = queryDigest(canonicalQuery(query));
  let after: Position | null = null;
  let snapshotSeq: number | null = null;
  if (o.cursor !== null) {
    const decoded = decodeExplorerCursor(key, o.cursor, orgId, digest);
    if (!decoded.ok) throw badRequest(decoded.error);
    after = { ts: decoded.cursor.ts, seq: decoded.cursor.seq };
    snapshotSeq = decoded.cursor.snapshotSeq;
  }
  const snap = await explorerSnapshot(store, orgId);
  const seq = snapshotSeq ?? snap.lastSeq;
  const page = pageRows(plan(snap, query), { snapshotSeq: seq, after, limit: o.limit });
  // Positions are read now: the index may change while the lines are read.
  const refs = page.rows.map((row) => ({ seq: snap.index.seqAt(row), ts: snap.index.ts.data[row]! }));
  const bodies = await readEventBodies(store, orgId, refs);
  const events: string[] = [];
  for (const r of refs) {
    const body = bodies.get(r.seq);
    // Missing only when a retention purge removed it meanwhile.
    if (body !== undefined) events.push(body);
  }
  const last = refs.at(-1);
  const nextCursor = page.more && last ? encodeExplorerCursor(key, orgId, digest, { snapshotSeq: seq, ts: last.ts, seq: last.seq }) : null;
  return { events, total: page.total, nextCursor };
}

export const FACET_LIMIT = 20;

/** The most frequent values of a field among the matches, by count then value. */
export async function eventFacets(store: Store, orgId: number, query: FilterQuery, field: FacetField): Promise<{ value: string; count: number }[]> {
  const snap = await explorerSnapshot(store, orgId);
  const counts = facetCounts(plan(snap, query), field);
  if (field !== "actor" && field !== "user") return topValues(counts, FACET_LIMIT);
  // Users show as their email, else their platform id.
  const byLabel = new Map<string, number>();
  for (const [id, n] of counts) {
    const label = snap.users.label(Number(id)) ?? `#${id}`;
    byLabel.set(label, (byLabel.get(label) ?? 0) + n);
  }
  return topValues(byLabel, FACET_LIMIT);
}

/** Most days a histogram answers (100 years). */
const MAX_HISTOGRAM_DAYS = 36_600;

export interface Histogram {
  /** The days the query allows (its created: terms), within the organization's history; null when there is none. */
  from: string | null;
  to: string | null;
  days: { date: string; count: number }[];
}

/** Matches per UTC day, zero-filled over the range the query allows (else the organization's whole history). */
export async function eventHistogram(store: Store, orgId: number, query: FilterQuery): Promise<Histogram> {
  const snap = await explorerSnapshot(store, orgId);
  const index = snap.index;
  const counts = dayCounts(plan(snap, query));
  const span = createdSpan(query);
  const firstDay = index.rows === 0 ? null : Math.floor(index.minTs / 86_400_000);
  const lastDay = index.rows === 0 ? null : Math.floor(index.maxTs / 86_400_000);
  let from = span.fromDay ?? firstDay;
  const to = span.toDay ?? lastDay;
  if (from === null || to === null) return { from: from === null ? null : formatDate(from), to: to === null ? null : formatDate(to), days: [] };
  if (to - from + 1 > MAX_HISTOGRAM_DAYS) from = to - MAX_HISTOGRAM_DAYS + 1;
  const days: { date: string; count: number }[] = [];
  for (let d = from; d <= to; d++) days.push({ date: formatDate(d), count: counts.get(d) ?? 0 });
  return { from: formatDate(from), to: formatDate(to), days };
}

/** Events per chunk of an oldest-first walk (one read of their lines each). */
const WALK_CHUNK = 2000;

export interface WalkOptions {
  /** [fromMs, toMs): the window (exports: everything). */
  fromMs?: number;
  toMs?: number;
  /** Resume strictly after this (ts, seq). */
  after?: Position | null;
  /** Stop after this many events. */
  max?: number;
  /** Older filters ANDed with the query (`/admin/audit_logs`). */
  fields?: readonly FieldFilter[];
  /** Only events at or below this sequence number (default: the log as the walk starts). */
  snapshotSeq?: number;
}

/**
 * Every match oldest first (timestamp, then ingest order), in chunks of stored lines: one
 * chunk of positions from the index, then one read of their lines, so memory stays flat
 * whatever the number of matches. Bound to the log as it was when the walk started.
 */
export async function* walkEvents(
  store: Store,
  orgId: number,
  query: FilterQuery,
  o: WalkOptions = {},
): AsyncGenerator<{ ts: number; seq: number; body: string }[]> {
  const snap = await explorerSnapshot(store, orgId);
  const snapshotSeq = o.snapshotSeq ?? snap.lastSeq;
  const ids = identities(query, snap.users);
  let compiled = compilePlan(snap.index, query, ids, o.fields);
  let after = o.after ?? null;
  let left = o.max ?? Infinity;
  while (left > 0) {
    if (compiled.version !== snap.index.version) compiled = compilePlan(snap.index, query, ids, o.fields);
    const want = Math.min(WALK_CHUNK, left);
    const step = walkForward(compiled, { snapshotSeq, fromMs: o.fromMs ?? -Infinity, toMs: o.toMs ?? Infinity, after, max: want });
    if (step.positions.length === 0) return;
    const bodies = await readEventBodies(store, orgId, step.positions);
    const out: { ts: number; seq: number; body: string }[] = [];
    for (const p of step.positions) {
      const body = bodies.get(p.seq);
      if (body !== undefined) out.push({ ts: p.ts, seq: p.seq, body });
    }
    after = step.positions.at(-1)!;
    left -= step.positions.length;
    if (out.length > 0) yield out;
    if (step.positions.length < want) return;
  }
}

const encoder = new TextEncoder();

/**
 * Every match oldest first as NDJSON (the stored lines) or CSV, one chunk per pull: the next
 * chunk is read only when the client took the last, so memory stays flat.
 */
export async function exportStream(store: Store, orgId: number, query: FilterQuery, format: "ndjson" | "csv"): Promise<ReadableStream<Uint8Array>> {
  // Fails here (a 400, or a 503 while the index builds), before any byte is sent.
  await explorerSnapshot(store, orgId);
  const chunks = walkEvents(store, orgId, query);
  let headerSent = format !== "csv";
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(EVENTS_CSV_HEADER + "\n"));
          return;
        }
        const next = await chunks.next();
        if (cancelled) return;
        if (next.done) return controller.close();
        const lines = format === "csv" ? next.value.map((e) => eventToCsvRecord(e.body)) : next.value.map((e) => e.body);
        controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
      } catch (error) {
        if (cancelled) return;
        console.error("orgtrail: events export failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      cancelled = true;
      await chunks.return(undefined);
    },
  });
}

/** The older filters of `/admin/audit_logs`, as tests of the stored values (same meaning as its SQL). */
function auditLogFields(filters: AuditLogFilters): FieldFilter[] {
  const fields: FieldFilter[] = [];
  if (filters.actions !== null) {
    const actions = new Set(filters.actions);
    fields.push({ key: "action", test: (v) => typeof v === "string" && actions.has(v) });
  }
  const email = filters.actorEmail;
  if (email !== null) fields.push({ key: "actor_email", test: (v) => v !== null && String(v).toLowerCase() === email });
  const id = filters.actorUserId;
  if (id !== null) fields.push({ key: "actor_user_id", test: (v) => v !== null && String(v) === id });
  return fields;
}

/**
 * `/admin/audit_logs?q=`: the events of [fromMs, toMs) matching the query and the older
 * filters, oldest first by (ts, seq), resuming after `after`, at most `max`; pages as
 * lib/queries/page-audit-logs.ts yields them. Awaited first: a 503 while the index builds is
 * an answer, not a broken stream.
 */
export async function auditLogPagesWithQuery(
  store: Store,
  r: { orgId: number; fromMs: number; toMs: number; filters: AuditLogFilters; after: Position | null; max: number },
  query: FilterQuery,
): Promise<AsyncGenerator<AuditLogRow[]>> {
  await explorerSnapshot(store, r.orgId);
  return walkEvents(store, r.orgId, query, { fromMs: r.fromMs, toMs: r.toMs, after: r.after, max: r.max, fields: auditLogFields(r.filters) });
}
