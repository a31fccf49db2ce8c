/**
 * The explorer's answers over one index and a compiled plan: a newest-first page with the
 * exact total, facet counts, matches per day, and the oldest-first walk of exports. Pure.
 */
import { BLOCK, countRows, matchesAll, rowMatches, scanBlocks, type Plan } from "./plan";
import type { EventIndex } from "./event-index";

/** An event's place in the newest-first order: (ts, seq). */
export interface Position {
  ts: number;
  seq: number;
}

export interface PageRequest {
  /** Only events at or below this sequence number (the snapshot a walk of pages is bound to). */
  snapshotSeq: number;
  /** Resume strictly after (older than) this position; null: the newest. */
  after: Position | null;
  limit: number;
  /** Up to this many matches are collected and sorted (default 100,000); past it the time order is walked. */
  collectLimit?: number;
}

export interface PageAnswer {
  /** Matches in the snapshot (whatever the position). */
  total: number;
  /** Rows of the page, newest first. */
  rows: number[];
  /** More matches are older than the last row. */
  more: boolean;
}

/** Below this many matches older than the position, they are collected and sorted; above, the time order is walked. */
const COLLECT_LIMIT = 100_000;

/** (ts, seq) of the row strictly before `p`. */
function rowBefore(index: EventIndex, row: number, p: Position): boolean {
  const t = index.ts.data[row]!;
  return t < p.ts || (t === p.ts && index.seqAt(row) < p.seq);
}

/** First index of `order` (rows by time) whose (ts, seq) is at or after `p`. */
function lowerBound(index: EventIndex, order: Uint32Array, p: Position): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowBefore(index, order[mid]!, p)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows of the time order whose time is in [fromMs, toMs): a stretch [lo, hi) of `order`. */
function timeStretch(index: EventIndex, order: Uint32Array, fromMs: number, toMs: number): [number, number] {
  return [lowerBound(index, order, { ts: fromMs, seq: -Infinity }), lowerBound(index, order, { ts: toMs, seq: -Infinity })];
}

/** A stretch of the time order to read instead of every row, when the query's days bound it to under half of them. */
function narrowStretch(plan: Plan): [number, number] | null {
  if (plan.timeHull === null) return null;
  const order = plan.index.byTime();
  const [lo, hi] = timeStretch(plan.index, order, plan.timeHull.fromMs, plan.timeHull.toMs);
  return hi - lo < order.length / 2 ? [lo, hi] : null;
}

/**
 * Calls `visit` with each block of matching rows: a scan of every row in row order, or of the
 * query's stretch of the time order when its days bound it (then in time order).
 */
function forEachMatchBlock(plan: Plan, end: number, visit: (rows: Uint32Array, n: number) => void): void {
  const stretch = narrowStretch(plan);
  if (stretch === null) return scanBlocks(plan, 0, end, visit);
  const order = plan.index.byTime();
  const out = new Uint32Array(Math.min(BLOCK, Math.max(1, stretch[1] - stretch[0])));
  let n = 0;
  for (let i = stretch[0]; i < stretch[1]; i++) {
    const row = order[i]!;
    if (row < end && rowMatches(plan, row)) out[n++] = row;
    if (n === out.length) {
      visit(out, n);
      n = 0;
    }
  }
  if (n > 0) visit(out, n);
}

/** The newest `limit` matches after the position, and the exact total of the snapshot. */
export function pageRows(plan: Plan, r: PageRequest): PageAnswer {
  const index = plan.index;
  const end = index.rowsUpTo(r.snapshotSeq);
  const after = r.after;
  const want = r.limit + 1;
  if (plan.never) return { total: 0, rows: [], more: false };
  let total: number;
  let rows: number[] | null = null;
  if (matchesAll(plan)) total = end;
  else {
    // One pass: the total, and the matches older than the position while they are few.
    total = 0;
    let collected = 0;
    const buffer = new Uint32Array(Math.min(r.collectLimit ?? COLLECT_LIMIT, Math.max(end, 1)));
    forEachMatchBlock(plan, end, (block, n) => {
      total += n;
      if (collected > buffer.length) return;
      for (let i = 0; i < n; i++) {
        const row = block[i]!;
        if (after !== null && !rowBefore(index, row, after)) continue;
        if (collected === buffer.length) {
          collected++;
          return;
        }
        buffer[collected++] = row;
      }
    });
    if (collected <= buffer.length) rows = newest(index.ts.data, buffer.subarray(0, collected), want);
  }
  if (rows === null) {
    // Many matches: walk the time order down from the position; few rows are read.
    const order = index.byTime();
    let i = (after === null ? order.length : lowerBound(index, order, after)) - 1;
    // Only the stretch of time the query's days allow.
    let stop = 0;
    if (plan.timeHull !== null) {
      const [lo, hi] = timeStretch(index, order, plan.timeHull.fromMs, plan.timeHull.toMs);
      i = Math.min(i, hi - 1);
      stop = lo;
    }
    rows = [];
    for (; i >= stop && rows.length < want; i--) {
      const row = order[i]!;
      if (row < end && rowMatches(plan, row)) rows.push(row);
    }
  }
  const more = rows.length > r.limit;
  if (more) rows.length = r.limit;
  return { total, rows, more };
}

/** (ts, row) of a after b: newer (rows are in sequence order, so the row breaks ties). */
const newer = (ts: Float64Array, a: number, b: number) => ts[a]! > ts[b]! || (ts[a] === ts[b] && a > b);

/**
 * The `want` newest of `rows`, newest first: a bounded min-heap fed from the end. Rows come
 * nearly in time order, so once the heap holds the newest, almost every older row is
 * dismissed by one comparison: linear, where sorting 40,000 matches took tens of ms.
 */
function newest(ts: Float64Array, rows: Uint32Array, want: number): number[] {
  const heap: number[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && newer(ts, heap[m]!, heap[l]!)) m = l;
      if (r < heap.length && newer(ts, heap[m]!, heap[r]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let k = rows.length - 1; k >= 0; k--) {
    const row = rows[k]!;
    if (heap.length < want) {
      heap.push(row);
      // Sift up.
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!newer(ts, heap[p]!, heap[i]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (want > 0 && newer(ts, row, heap[0]!)) {
      heap[0] = row;
      down(0);
    }
  }
  return heap.sort((a, b) => (newer(ts, a, b) ? -1 : 1));
}

/** Number of matches in the snapshot. */
export function countMatches(plan: Plan, snapshotSeq: number): number {
  return countRows(plan, 0, plan.index.rowsUpTo(snapshotSeq));
}

export type FacetField = "action" | "actor" | "user" | "status" | "entity" | "project" | "ip";
export const FACET_FIELDS: readonly FacetField[] = ["action", "actor", "user", "status", "entity", "project", "ip"];

/**
 * Matches per value of a field. Keys: the action, entity name, project name or address as
 * stored; the response code or "none"; users.id (as text) of the actor or target user. Events
 * without the field are not counted (but `status` counts "none").
 */
export function facetCounts(plan: Plan, field: FacetField): Map<string, number> {
  const index = plan.index;
  const { column, counts: all, key } = facetColumn(index, field);
  let counts: Uint32Array;
  if (matchesAll(plan)) counts = all;
  else {
    counts = new Uint32Array(all.length);
    forEachMatchBlock(plan, index.rows, (block, n) => {
      for (let i = 0; i < n; i++) counts[column[block[i]!]!]!++;
    });
  }
  const out = new Map<string, number>();
  for (let code = 0; code < counts.length; code++) {
    const n = counts[code]!;
    if (n === 0) continue;
    const k = key(code);
    if (k === null) continue;
    out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}

function facetColumn(index: EventIndex, field: FacetField) {
  const text = (name: "action" | "entity" | "project" | "ip") => {
    const dict = index.dict[name];
    return {
      column: index.text[name].data,
      counts: dict.counts.subarray(0, dict.size),
      key: (code: number) => {
        const v = code === 0 ? null : dict.first(code);
        return v === null ? null : String(v);
      },
    };
  };
  switch (field) {
    case "action":
    case "entity":
    case "project":
    case "ip":
      return text(field);
    case "status":
      return { column: index.status.data, counts: index.statusCounts, key: (code: number) => (code === 0 ? "none" : String(code - 1)) };
    case "actor":
    case "user": {
      const users = field === "actor" ? index.actorUsers : index.targetUsers;
      return {
        column: (field === "actor" ? index.actor : index.target).data,
        counts: users.counts.subarray(0, users.size),
        key: (code: number) => (code === 0 ? null : String(users.values[code])),
      };
    }
  }
}

/** The `n` largest counts, by count (descending) then value (ascending, as JavaScript compares strings). */
export function topValues(counts: Map<string, number>, n: number): { value: string; count: number }[] {
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, n);
}

/** Matches per UTC day (day number → count). */
export function dayCounts(plan: Plan): Map<number, number> {
  const index = plan.index;
  const days = index.days;
  let counts: Uint32Array;
  if (matchesAll(plan)) counts = days.counts;
  else {
    counts = new Uint32Array(days.size);
    const column = index.day.data;
    forEachMatchBlock(plan, index.rows, (block, n) => {
      for (let i = 0; i < n; i++) counts[column[block[i]!]!]!++;
    });
  }
  const out = new Map<number, number>();
  for (let code = 1; code < days.size; code++) if (counts[code]! > 0) out.set(days.values[code]!, counts[code]!);
  return out;
}

export interface WalkRequest {
  snapshotSeq: number;
  /** [fromMs, toMs): the time window (exports: everything). */
  fromMs: number;
  toMs: number;
  /** Resume strictly after this position (oldest first); null: from the window's start. */
  after: Position | null;
  max: number;
}

/**
 * The next matches oldest first, by (ts, seq): at most `max` rows, each with its position.
 * Stateless (the index may change between calls: the position is looked up again each time).
 */
export function walkForward(plan: Plan, r: WalkRequest): { rows: number[]; positions: Position[] } {
  const index = plan.index;
  const order = index.byTime();
  const end = index.rowsUpTo(r.snapshotSeq);
  const fromMs = Math.max(r.fromMs, plan.timeHull?.fromMs ?? -Infinity);
  const toMs = Math.min(r.toMs, plan.timeHull?.toMs ?? Infinity);
  const start = r.after !== null && r.after.ts >= fromMs ? { ts: r.after.ts, seq: r.after.seq + 1 } : { ts: fromMs, seq: -Infinity };
  let i = lowerBound(index, order, start);
  const rows: number[] = [];
  const positions: Position[] = [];
  const ts = index.ts.data;
  for (; i < order.length && rows.length < r.max; i++) {
    const row = order[i]!;
    if (ts[row]! >= toMs) break;
    if (row >= end || !rowMatches(plan, row)) continue;
    rows.push(row);
    positions.push({ ts: ts[row]!, seq: index.seqAt(row) });
  }
  return { rows, positions };
}
