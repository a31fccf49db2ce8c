/**
 * A filter query (lib/filter) compiled against one event index (pure). Every qualifier term
 * becomes a mask over one column's dictionary codes: `created:` over the day codes, `status:`
 * over response codes, `actor:`/`user:` over user codes, and so on. An exclusion inverts its
 * mask, and masks of one column are combined into one (OR inside a group, AND across), so a
 * query of qualifier terms is a few "mask[column[row]]" tests. A bare word is a mask per text
 * column whose dictionary holds it, any of which may hit.
 *
 * Rows are selected in blocks into a selection vector: the two most selective masks run as
 * one tight loop over their columns, the other tests then only look at the rows kept.
 */
import { ipInNet, parseIpAddress, type IpAddress } from "../filter/ip-net";
import type { Condition, FilterQuery, Identities } from "../filter/query";
import { decodeTuple, type CodeArray, type Dictionary, type NumberCodes, type Scalar } from "./columns";
import { KEY_GROUPS, TEXT_COLUMNS, type EventIndex, type GroupName, type TextColumn } from "./event-index";

export type { Identities };

export const NO_IDENTITIES: Identities = { actor: new Map(), user: new Map() };

/**
 * A test of one schema key's stored value, outside the language: the older filters of
 * `/admin/audit_logs` (`actor_email`, `actor_user_id`), ANDed with a query.
 */
export interface FieldFilter {
  key: string;
  test(value: Scalar): boolean;
}

/** The mask of a field filter over the dictionary of the key's group. */
function fieldMask(index: EventIndex, f: FieldFilter): { name: TextColumn; mask: Uint8Array } {
  if (f.key === "action") return { name: "action", mask: dictMask(index.dict.action, (code) => f.test(index.dict.action.first(code))) };
  for (const name of Object.keys(KEY_GROUPS) as GroupName[]) {
    const at = (KEY_GROUPS[name] as readonly string[]).indexOf(f.key);
    if (at === -1) continue;
    const dict = index.dict[name];
    // Code 0 (no value in the group) is tested with null.
    const mask = dictMask(dict, (code) => f.test(decodeTuple(dict.keys[code]!)[at] ?? null));
    if (f.test(null)) mask[0] = 1;
    return { name, mask };
  }
  throw new Error(`no indexed schema key ${f.key}`);
}

type CodeColumnName = "status" | "day" | "actor" | "target" | TextColumn;

/** Passes rows whose code in `column` is set in `mask`. */
interface MaskTest {
  name: CodeColumnName;
  column: CodeArray;
  mask: Uint8Array;
  /** Estimated share of rows passing. */
  share: number;
}

/** Passes rows whose code is set in any of the masks (a bare word), or in none of them (excluded). */
interface AnyTest {
  columns: CodeArray[];
  masks: Uint8Array[];
  negate: boolean;
  share: number;
}

export interface Plan {
  index: EventIndex;
  /** The index version compiled for: valid until the index changes. */
  version: number;
  /** No event can match. */
  never: boolean;
  /** Mask tests, most selective first, at most one per column. */
  masks: MaskTest[];
  anys: AnyTest[];
  /**
   * [fromMs, toMs): the hull of the days the day mask accepts, when it does not accept every
   * day: the matches lie in one stretch of the time order, which a scan can read instead of
   * every row (null: no such bound).
   */
  timeHull: { fromMs: number; toMs: number } | null;
}

function dictMask(dict: Dictionary, keep: (code: number) => boolean): Uint8Array {
  const mask = new Uint8Array(dict.size);
  for (let c = 1; c < dict.size; c++) if (keep(c)) mask[c] = 1;
  return mask;
}

function numberMask(codes: NumberCodes, keep: (value: number) => boolean): Uint8Array {
  const mask = new Uint8Array(codes.size);
  for (let c = 1; c < codes.size; c++) if (keep(codes.values[c]!)) mask[c] = 1;
  return mask;
}

function userMask(ids: readonly number[], users: NumberCodes): Uint8Array {
  const mask = new Uint8Array(users.size);
  for (const id of ids) {
    const code = users.codes.get(id);
    if (code !== undefined) mask[code] = 1;
  }
  return mask;
}

const ipCache = new WeakMap<Dictionary, (IpAddress | null)[]>();

/** The parsed address of each entry of the ip dictionary (parsed once per entry). */
function ipOf(dict: Dictionary, code: number): IpAddress | null {
  let cache = ipCache.get(dict);
  if (!cache) ipCache.set(dict, (cache = []));
  let ip = cache[code];
  if (ip === undefined) {
    const v = dict.first(code);
    ip = typeof v === "string" ? parseIpAddress(v) : null;
    cache[code] = ip;
  }
  return ip;
}

type Compiled = { kind: "mask"; name: CodeColumnName; mask: Uint8Array } | { kind: "any"; parts: { name: TextColumn; mask: Uint8Array }[] };

function compileCondition(index: EventIndex, c: Condition, ids: Identities): Compiled {
  const d = index.dict;
  switch (c.kind) {
    case "action":
      return {
        kind: "mask",
        name: "action",
        mask: dictMask(d.action, (code) => {
          const a = d.action.first(code);
          return typeof a === "string" && (c.prefix ? a.startsWith(c.value) : a === c.value);
        }),
      };
    case "actor":
      return { kind: "mask", name: "actor", mask: userMask(ids.actor.get(c.value) ?? [], index.actorUsers) };
    case "user":
      return { kind: "mask", name: "target", mask: userMask(ids.user.get(c.value) ?? [], index.targetUsers) };
    case "entity":
    case "project": {
      const dict = d[c.kind];
      return {
        kind: "mask",
        name: c.kind,
        mask: dictMask(dict, (code) => {
          const v = dict.first(code);
          return typeof v === "string" && v.toLowerCase() === c.value;
        }),
      };
    }
    case "ip":
      return {
        kind: "mask",
        name: "ip",
        mask: dictMask(d.ip, (code) => {
          const ip = ipOf(d.ip, code);
          return ip !== null && ipInNet(ip, c.net);
        }),
      };
    case "status": {
      const mask = new Uint8Array(1001);
      if (c.none) mask[0] = 1;
      else for (let code = Math.max(0, c.min); code <= Math.min(999, c.max); code++) mask[code + 1] = 1;
      return { kind: "mask", name: "status", mask };
    }
    case "created": {
      const from = c.fromDay ?? -Infinity;
      const to = c.toDay ?? Infinity;
      return { kind: "mask", name: "day", mask: numberMask(index.days, (day) => day >= from && day <= to) };
    }
    case "text": {
      const parts: { name: TextColumn; mask: Uint8Array }[] = [];
      for (const name of TEXT_COLUMNS) {
        const mask = d[name].searchMask(c.value);
        if (mask !== null) parts.push({ name, mask });
      }
      return { kind: "any", parts };
    }
  }
}

function columnOf(index: EventIndex, name: CodeColumnName): CodeArray {
  if (name === "status") return index.status.data;
  if (name === "day") return index.day.data;
  if (name === "actor") return index.actor.data;
  if (name === "target") return index.target.data;
  return index.text[name].data;
}

function countsOf(index: EventIndex, name: CodeColumnName): Uint32Array {
  if (name === "status") return index.statusCounts;
  if (name === "day") return index.days.counts;
  if (name === "actor") return index.actorUsers.counts;
  if (name === "target") return index.targetUsers.counts;
  return index.dict[name].counts;
}

/** How many codes the column has (masks are this long). */
function codeCount(index: EventIndex, name: CodeColumnName): number {
  if (name === "status") return 1001;
  if (name === "day") return index.days.size;
  if (name === "actor") return index.actorUsers.size;
  if (name === "target") return index.targetUsers.size;
  return index.dict[name].size;
}

/** A mask as long as the column's dictionary (codes not in `mask` are 0). */
function sized(mask: Uint8Array, size: number): Uint8Array {
  if (mask.length === size) return mask;
  const out = new Uint8Array(size);
  out.set(mask.subarray(0, size));
  return out;
}

/** Rows the mask passes, from the per-code counts. */
function maskRows(mask: Uint8Array, counts: Uint32Array): number {
  let n = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] === 1) n += counts[c] ?? 0;
  return n;
}

/** Compiles a query against the index as it is now (valid until it changes: `version`). */
export function compilePlan(index: EventIndex, query: FilterQuery, ids: Identities, fields: readonly FieldFilter[] = []): Plan {
  const byColumn = new Map<CodeColumnName, Uint8Array>();
  const anys: AnyTest[] = [];
  const sizeOf = (name: CodeColumnName) => codeCount(index, name);
  // AND a mask into the column's combined mask.
  const and = (name: CodeColumnName, mask: Uint8Array) => {
    const m = sized(mask, sizeOf(name));
    const cur = byColumn.get(name);
    if (!cur) byColumn.set(name, m === mask ? Uint8Array.from(m) : m);
    else for (let c = 0; c < cur.length; c++) cur[c]! &= m[c]!;
  };
  const rows = Math.max(1, index.rows);
  const anyTest = (parts: { name: TextColumn; mask: Uint8Array }[], negate: boolean): AnyTest => {
    let share = 0;
    for (const p of parts) share += maskRows(p.mask, countsOf(index, p.name)) / rows;
    share = Math.min(1, share);
    return { columns: parts.map((p) => columnOf(index, p.name)), masks: parts.map((p) => p.mask), negate, share: negate ? 1 - share : share };
  };

  for (const group of query.groups) {
    const compiled = group.map((c) => compileCondition(index, c, ids));
    const first = compiled[0]!;
    if (first.kind === "any") {
      anys.push(anyTest(first.parts, false));
      continue;
    }
    // One qualifier repeated: OR of its masks.
    const union = new Uint8Array(sizeOf(first.name));
    for (const c of compiled as Extract<Compiled, { kind: "mask" }>[]) {
      const m = sized(c.mask, union.length);
      for (let i = 0; i < union.length; i++) if (m[i] === 1) union[i] = 1;
    }
    and(first.name, union);
  }
  for (const c of query.excluded) {
    const compiled = compileCondition(index, c, ids);
    if (compiled.kind === "any") {
      if (compiled.parts.length > 0) anys.push(anyTest(compiled.parts, true));
      continue;
    }
    const m = sized(compiled.mask, sizeOf(compiled.name));
    const inverted = new Uint8Array(m.length);
    for (let i = 0; i < m.length; i++) inverted[i] = m[i] === 1 ? 0 : 1;
    and(compiled.name, inverted);
  }

  for (const f of fields) {
    const { name, mask } = fieldMask(index, f);
    and(name, mask);
  }

  let never = anys.some((a) => !a.negate && a.masks.length === 0);
  const masks: MaskTest[] = [];
  for (const [name, mask] of byColumn) {
    const passing = maskRows(mask, countsOf(index, name));
    if (!mask.includes(1)) never = true;
    // A mask that keeps every code keeps every row: no test.
    if (!mask.includes(0)) continue;
    masks.push({ name, column: columnOf(index, name), mask, share: passing / rows });
  }
  masks.sort((a, b) => a.share - b.share);
  anys.sort((a, b) => a.share - b.share);
  return {
    index,
    version: index.version,
    never,
    masks,
    anys: anys.filter((a) => a.negate === false || a.masks.length > 0),
    timeHull: dayHull(index, byColumn.get("day")),
  };
}

const DAY_MS = 86_400_000;

function dayHull(index: EventIndex, mask: Uint8Array | undefined): Plan["timeHull"] {
  if (!mask || !mask.includes(0)) return null;
  let from = Infinity;
  let to = -Infinity;
  for (let code = 1; code < index.days.size; code++) {
    if (mask[code] !== 1) continue;
    const day = index.days.values[code]!;
    if (day < from) from = day;
    if (day > to) to = day;
  }
  return from > to ? { fromMs: 0, toMs: 0 } : { fromMs: from * DAY_MS, toMs: (to + 1) * DAY_MS };
}

/** True when the plan has no test: every row matches. */
export function matchesAll(plan: Plan): boolean {
  return !plan.never && plan.masks.length === 0 && plan.anys.length === 0;
}

function anyPasses(t: AnyTest, row: number): boolean {
  for (let i = 0; i < t.columns.length; i++) if (t.masks[i]![t.columns[i]![row]!] === 1) return !t.negate;
  return t.negate;
}

/** Whether one row matches. */
export function rowMatches(plan: Plan, row: number): boolean {
  if (plan.never) return false;
  for (const t of plan.masks) if (t.mask[t.column[row]!] !== 1) return false;
  for (const t of plan.anys) if (!anyPasses(t, row)) return false;
  return true;
}

// The first pass, specialized on the number of masks it applies (each function keeps its
// loads monomorphic enough for the JIT; a generic loop over a test array runs ~4x slower).
function pass0(from: number, to: number, out: Uint32Array): number {
  let n = 0;
  for (let r = from; r < to; r++) out[n++] = r;
  return n;
}

function pass1(c0: CodeArray, m0: Uint8Array, from: number, to: number, out: Uint32Array): number {
  let n = 0;
  for (let r = from; r < to; r++) if (m0[c0[r]!] === 1) out[n++] = r;
  return n;
}

function pass2(c0: CodeArray, m0: Uint8Array, c1: CodeArray, m1: Uint8Array, from: number, to: number, out: Uint32Array): number {
  let n = 0;
  for (let r = from; r < to; r++) if (m0[c0[r]!] === 1 && m1[c1[r]!] === 1) out[n++] = r;
  return n;
}

function refine(c: CodeArray, m: Uint8Array, out: Uint32Array, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = out[i]!;
    if (m[c[r]!] === 1) out[k++] = r;
  }
  return k;
}

function refineAny(t: AnyTest, out: Uint32Array, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = out[i]!;
    if (anyPasses(t, r)) out[k++] = r;
  }
  return k;
}

/** Rows per block of the selection vector. */
export const BLOCK = 65_536;

/**
 * Writes the matching rows of [from, to) into `out` (to - from <= out.length), in row order;
 * returns how many.
 */
export function selectBlock(plan: Plan, from: number, to: number, out: Uint32Array): number {
  if (plan.never || to <= from) return 0;
  const m = plan.masks;
  let n: number;
  if (m.length === 0) n = pass0(from, to, out);
  else if (m.length === 1) n = pass1(m[0]!.column, m[0]!.mask, from, to, out);
  else n = pass2(m[0]!.column, m[0]!.mask, m[1]!.column, m[1]!.mask, from, to, out);
  for (let i = 2; i < m.length && n > 0; i++) n = refine(m[i]!.column, m[i]!.mask, out, n);
  for (let i = 0; i < plan.anys.length && n > 0; i++) n = refineAny(plan.anys[i]!, out, n);
  return n;
}

/** Calls `visit` with each block of matching rows of [from, to) (the array is reused: read it before returning). */
export function scanBlocks(plan: Plan, from: number, to: number, visit: (rows: Uint32Array, n: number) => void): void {
  if (plan.never) return;
  const out = new Uint32Array(Math.min(BLOCK, Math.max(1, to - from)));
  for (let start = from; start < to; start += BLOCK) {
    const n = selectBlock(plan, start, Math.min(to, start + BLOCK), out);
    if (n > 0) visit(out, n);
  }
}

/** Number of matching rows in [from, to). */
export function countRows(plan: Plan, from: number, to: number): number {
  if (plan.never) return 0;
  if (plan.masks.length === 0 && plan.anys.length === 0) return Math.max(0, to - from);
  // One mask over the whole index: the per-code counts already hold the answer.
  if (plan.masks.length === 1 && plan.anys.length === 0 && from === 0 && to === plan.index.rows) {
    return maskRows(plan.masks[0]!.mask, countsOf(plan.index, plan.masks[0]!.name));
  }
  let total = 0;
  scanBlocks(plan, from, to, (_rows, n) => {
    total += n;
  });
  return total;
}
