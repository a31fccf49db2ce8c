/**
 * The explorer's in-memory index of one organization's events (docs/EXPLORER.md). Pure: it is
 * filled from rows the log reader (lib/queries/event-log-reader.ts) returns, and answers from
 * typed arrays, so a query is a scan of a few of them.
 *
 * Rows are the events in sequence order (row r holds the r-th live event). Each field is a
 * dictionary code per row; the string fields of the schema are grouped in tuples that travel
 * together (an entity's name and asset, an artifact's four keys...), one code per tuple, so
 * the 17 string keys cost 9 small columns. A second order, `byTime`, lists the rows by
 * (timestamp, sequence): the newest-first pages walk it from its end, exports from its start.
 */
import { CodeColumn, Dictionary, FloatColumn, NumberCodes, tupleKey } from "./columns";

/** One stored event as the log reader gives it. */
export interface LogRow {
  seq: number;
  ts: number;
  action: string;
  /** users.id of the actor and the target (SPEC §4 identity, resolved at ingest), or null. */
  actorId: number | null;
  targetId: number | null;
  responseCode: number | null;
  /** The stored line: schema keys only, canonical JSON. */
  body: string;
  /** Unknown keys (canonical JSON), or null. */
  extra: string | null;
}

/** Schema keys stored together, one dictionary code per tuple (every string key but action and timestamp). */
export const KEY_GROUPS = {
  actorRaw: ["actor_user_id", "actor_email"],
  ip: ["actor_ip"],
  entity: ["entity_name", "entity_asset"],
  project: ["project_name", "project_asset"],
  report: ["report_name", "report_asset"],
  artifact: ["artifact_qualified_name", "artifact_asset", "artifact_sequence_asset", "artifact_digest"],
  cli: ["cli_version"],
  targetRaw: ["user_asset", "user_email"],
} as const;
export type GroupName = keyof typeof KEY_GROUPS;
const GROUP_NAMES = Object.keys(KEY_GROUPS) as GroupName[];

/** Dictionary-coded columns: the groups, the action, the unknown keys. */
export type TextColumn = GroupName | "action" | "extra";
export const TEXT_COLUMNS: readonly TextColumn[] = ["action", ...GROUP_NAMES, "extra"];

const DAY_MS = 86_400_000;

export interface IndexMemory {
  rows: number;
  columnBytes: number;
  dictionaryBytes: number;
  bytesPerEvent: number;
}

export class EventIndex {
  /** Changes with every append and purge: a compiled plan is valid for one version. */
  version = 0;
  /** Highest sequence number read (the log may hold more once ingest runs again). */
  lastSeq = 0;
  /** Events at or below this sequence number were purged (retention). */
  purgedUpTo = 0;
  readonly ts = new FloatColumn();
  /** Sequence numbers: only kept when they are not contiguous (they are, short of a gap). */
  private seqs: FloatColumn | null = null;
  private firstSeq = 1;
  /** Response code + 1 (0: none). */
  readonly status = new CodeColumn();
  /** Events per status code. */
  statusCounts: Uint32Array = new Uint32Array(1001);
  /** UTC day of the timestamp, as a code of `days`. */
  readonly day = new CodeColumn();
  readonly days = new NumberCodes();
  /** users.id of the actor and of the target user, as codes of `actorUsers` / `targetUsers`. */
  readonly actor = new CodeColumn();
  readonly target = new CodeColumn();
  readonly actorUsers = new NumberCodes();
  readonly targetUsers = new NumberCodes();
  readonly text = {} as Record<TextColumn, CodeColumn>;
  readonly dict = {} as Record<TextColumn, Dictionary>;
  /** Rows by (ts, seq) ascending; rows appended out of time order wait in `unsorted` until the next query. */
  private order = new Uint32Array(0);
  private ordered = 0;
  private unsorted = false;
  minTs = Infinity;
  maxTs = -Infinity;

  constructor(readonly orgId: number) {
    for (const name of TEXT_COLUMNS) {
      this.text[name] = new CodeColumn();
      this.dict[name] = new Dictionary(name === "extra" ? "json" : "tuple");
    }
  }

  get rows(): number {
    return this.ts.length;
  }

  /** Makes room for `more` events: exactly (the build knows how many are coming), or with room to grow. */
  reserve(more: number, exact = false): void {
    const needed = this.rows + more;
    if (needed <= this.order.length) return;
    const n = exact ? needed : Math.max(needed, Math.ceil(this.order.length * 1.25) + 1024);
    this.ts.reserve(n);
    this.seqs?.reserve(n);
    this.status.reserve(n);
    this.day.reserve(n);
    this.actor.reserve(n);
    this.target.reserve(n);
    for (const name of TEXT_COLUMNS) this.text[name].reserve(n);
    const next = new Uint32Array(n);
    next.set(this.order.subarray(0, this.rows));
    this.order = next;
  }

  seqAt(row: number): number {
    return this.seqs ? this.seqs.data[row]! : this.firstSeq + row;
  }

  /** Appends events in sequence order (higher than any already held). */
  append(rows: readonly LogRow[]): void {
    if (rows.length === 0) return;
    this.reserve(rows.length);
    this.version++;
    for (const r of rows) this.appendOne(r);
  }

  private appendOne(r: LogRow): void {
    if (r.seq <= this.lastSeq) throw new Error(`event index: sequence ${r.seq} after ${this.lastSeq}`);
    const row = this.rows;
    if (row === 0 && this.seqs === null) this.firstSeq = r.seq;
    else if (this.seqs === null && r.seq !== this.firstSeq + row) {
      // A gap: keep every sequence number from now on.
      this.seqs = new FloatColumn(this.ts.data.length);
      for (let i = 0; i < row; i++) this.seqs.push(this.firstSeq + i);
    }
    this.seqs?.push(r.seq);
    this.lastSeq = r.seq;
    this.ts.push(r.ts);
    if (r.ts < this.minTs) this.minTs = r.ts;
    if (r.ts > this.maxTs) this.maxTs = r.ts;
    const code = r.responseCode === null || r.responseCode < 0 || r.responseCode > 999 ? 0 : r.responseCode + 1;
    this.status.push(code);
    this.statusCounts[code]!++;
    this.day.push(this.days.code(Math.floor(r.ts / DAY_MS)));
    this.actor.push(this.actorUsers.code(r.actorId));
    this.target.push(this.targetUsers.code(r.targetId));

    const o = JSON.parse(r.body) as Record<string, unknown>;
    this.text.action.push(this.dict.action.code(tupleKey([r.action])!));
    for (const name of GROUP_NAMES) {
      const keys = KEY_GROUPS[name];
      const key = tupleKey(keys.length === 1 ? [o[keys[0]]] : keys.map((k) => o[k]));
      const dict = this.dict[name];
      this.text[name].push(key === null ? dict.absent() : dict.code(key));
    }
    this.text.extra.push(r.extra === null ? this.dict.extra.absent() : this.dict.extra.code(r.extra));

    // Time order: most events arrive newer than the last; the others are sorted in at the next query.
    if (this.order.length <= row) this.reserve(1);
    this.order[row] = row;
    if (!this.unsorted && this.ordered === row && (row === 0 || this.before(this.order[row - 1]!, row))) this.ordered = row + 1;
    else this.unsorted = true;
  }

  /** (ts, seq) of row a before row b. Rows are in sequence order, so the row number breaks ties. */
  private before(a: number, b: number): boolean {
    const ta = this.ts.data[a]!;
    const tb = this.ts.data[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  /** Rows by (ts, seq) ascending. */
  byTime(): Uint32Array {
    if (this.unsorted) {
      const n = this.rows;
      const tail = Array.from(this.order.subarray(this.ordered, n)).sort((a, b) => (this.before(a, b) ? -1 : 1));
      const merged = new Uint32Array(this.order.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < this.ordered && j < tail.length) merged[k++] = this.before(this.order[i]!, tail[j]!) ? this.order[i++]! : tail[j++]!;
      while (i < this.ordered) merged[k++] = this.order[i++]!;
      while (j < tail.length) merged[k++] = tail[j++]!;
      this.order = merged;
      this.ordered = n;
      this.unsorted = false;
    }
    return this.order.subarray(0, this.rows);
  }

  /** Number of rows with a sequence number at or below `seq`. */
  rowsUpTo(seq: number): number {
    if (seq >= this.lastSeq) return this.rows;
    if (!this.seqs) return Math.max(0, Math.min(this.rows, seq - this.firstSeq + 1));
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs.data[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the events at or below `upToSeq` (a retention purge removed them from the log). */
  purge(upToSeq: number): void {
    if (upToSeq <= this.purgedUpTo) return;
    this.purgedUpTo = upToSeq;
    this.version++;
    const drop = this.rowsUpTo(upToSeq);
    if (drop === 0) return;
    const order = this.byTime();
    const kept = new Uint32Array(this.order.length);
    let k = 0;
    for (let i = 0; i < order.length; i++) if (order[i]! >= drop) kept[k++] = order[i]! - drop;
    this.order = kept;
    this.ordered = k;
    if (this.seqs) this.seqs.dropFront(drop);
    else this.firstSeq += drop;
    this.ts.dropFront(drop);
    this.status.dropFront(drop);
    this.day.dropFront(drop);
    this.actor.dropFront(drop);
    this.target.dropFront(drop);
    for (const name of TEXT_COLUMNS) this.text[name].dropFront(drop);
    this.recount();
  }

  /** Recomputes the per-value counts and the time bounds from the rows. */
  private recount(): void {
    const n = this.rows;
    const count = (col: CodeColumn, counts: Uint32Array) => {
      counts.fill(0);
      const data = col.data;
      for (let i = 0; i < n; i++) counts[data[i]!]!++;
    };
    count(this.status, this.statusCounts);
    count(this.day, this.days.counts);
    count(this.actor, this.actorUsers.counts);
    count(this.target, this.targetUsers.counts);
    for (const name of TEXT_COLUMNS) count(this.text[name], this.dict[name].counts);
    this.minTs = Infinity;
    this.maxTs = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = this.ts.data[i]!;
      if (t < this.minTs) this.minTs = t;
      if (t > this.maxTs) this.maxTs = t;
    }
  }

  /** What the index holds in memory (typed arrays exactly, dictionaries estimated). */
  memory(): IndexMemory {
    let columnBytes =
      this.ts.bytes() + (this.seqs?.bytes() ?? 0) + this.status.bytes() + this.day.bytes() + this.actor.bytes() + this.target.bytes() + this.order.byteLength;
    let dictionaryBytes = (this.actorUsers.size + this.targetUsers.size + this.days.size) * 40;
    for (const name of TEXT_COLUMNS) {
      columnBytes += this.text[name].bytes();
      dictionaryBytes += this.dict[name].bytes();
    }
    return { rows: this.rows, columnBytes, dictionaryBytes, bytesPerEvent: this.rows === 0 ? 0 : (columnBytes + dictionaryBytes) / this.rows };
  }
}
