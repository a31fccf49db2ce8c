/**
 * Building blocks of the explorer's in-memory index (lib/explorer/event-index.ts): growable
 * typed arrays and dictionaries. Pure data structures, no I/O.
 */

export type CodeArray = Uint8Array | Uint16Array | Uint32Array;

function grown(length: number, needed: number): number {
  return Math.max(needed, Math.ceil(length * 1.5), 1024);
}

/**
 * One small integer per event (a dictionary code), in the narrowest typed array that holds
 * every code so far: 1 byte per event while a column has < 256 distinct values, 2 below 65,536.
 */
export class CodeColumn {
  data: CodeArray;
  length = 0;
  private limit = 0xff;

  constructor(capacity = 0) {
    this.data = new Uint8Array(capacity);
  }

  reserve(capacity: number): void {
    if (capacity > this.data.length) this.resize(capacity, this.limit);
  }

  push(code: number): void {
    if (code > this.limit) this.resize(this.data.length, code > 0xffff ? 0xffffffff : 0xffff);
    if (this.length === this.data.length) this.resize(grown(this.data.length, this.length + 1), this.limit);
    this.data[this.length++] = code;
  }

  /** Keeps rows [from, length): what a purge leaves. */
  dropFront(from: number): void {
    this.data.copyWithin(0, from, this.length);
    this.length -= from;
  }

  bytes(): number {
    return this.data.byteLength;
  }

  private resize(capacity: number, limit: number): void {
    const next: CodeArray = limit === 0xff ? new Uint8Array(capacity) : limit === 0xffff ? new Uint16Array(capacity) : new Uint32Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
    this.limit = limit;
  }
}

/** A growable Float64Array (times, sequence numbers). */
export class FloatColumn {
  data: Float64Array;
  length = 0;

  constructor(capacity = 0) {
    this.data = new Float64Array(capacity);
  }

  reserve(capacity: number): void {
    if (capacity > this.data.length) this.resize(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.resize(grown(this.data.length, this.length + 1));
    this.data[this.length++] = value;
  }

  dropFront(from: number): void {
    this.data.copyWithin(0, from, this.length);
    this.length -= from;
  }

  bytes(): number {
    return this.data.byteLength;
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** A JSON scalar as stored in an event (a schema key's value). */
export type Scalar = string | number | boolean | null;

/** Per-code counters that grow with the dictionary. */
function growCounts(counts: Uint32Array, code: number): Uint32Array {
  if (code < counts.length) return counts;
  const next = new Uint32Array(Math.max(counts.length * 2, code + 1));
  next.set(counts);
  return next;
}

/**
 * Tuples of values as one string, the dictionary key: each value is "" (absent), U+0002 and
 * the string, or U+0003 and the JSON of a number or boolean, joined by U+0001. A tuple whose
 * strings hold one of those three characters is U+0004 and the JSON of the tuple instead, so
 * two tuples never share a key. The key is all a dictionary keeps of a tuple.
 */
export function tupleKey(values: readonly unknown[]): string | null {
  let key = "";
  let present = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) key += "\u0001";
    if (v === undefined || v === null) continue;
    present = true;
    if (typeof v === "string") {
      if (/[\u0001-\u0003]/.test(v)) return "\u0004" + JSON.stringify(values.map(toScalar));
      key += "\u0002" + v;
    } else key += "\u0003" + JSON.stringify(toScalar(v));
  }
  return present ? key : null;
}

function toScalar(v: unknown): Scalar {
  if (v === undefined || v === null) return null;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : JSON.stringify(v);
}

export function decodeTuple(key: string): Scalar[] {
  if (key.startsWith("\u0004")) return JSON.parse(key.slice(1)) as Scalar[];
  return key.split("\u0001").map((part) => (part === "" ? null : part.startsWith("\u0002") ? part.slice(1) : (JSON.parse(part.slice(1)) as Scalar)));
}

/**
 * The distinct values of a column. Code 0 is "absent"; codes from 1 are handed out in order of
 * first appearance, with how many events carry each (a selectivity estimate, and the facets of
 * the whole log without a scan). Only the key of each entry is kept (lib/explorer/columns.ts
 * tupleKey); values are decoded when a query needs them.
 */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly keys: string[] = [""];
  counts: Uint32Array = new Uint32Array(64);

  /** `json`: the key is a JSON document whose string leaves are the text (unknown keys); else a tuple key. */
  constructor(private readonly kind: "tuple" | "json" = "tuple") {}

  get size(): number {
    return this.keys.length;
  }

  code(key: string): number {
    let code = this.codes.get(key);
    if (code === undefined) {
      code = this.keys.length;
      this.codes.set(key, code);
      this.keys.push(key);
      this.counts = growCounts(this.counts, code);
    }
    this.counts[code]!++;
    return code;
  }

  /** The first value of an entry's tuple (the action, the entity name, the address...). */
  first(code: number): Scalar {
    const key = this.keys[code]!;
    if (this.kind === "json") return key;
    if (key.startsWith("\u0004")) return decodeTuple(key)[0] ?? null;
    const cut = key.indexOf("\u0001");
    const part = cut === -1 ? key : key.slice(0, cut);
    if (part === "") return null;
    return part.startsWith("\u0002") ? part.slice(1) : (JSON.parse(part.slice(1)) as Scalar);
  }

  /** Counts an event without a value (code 0). */
  absent(): number {
    this.counts[0]!++;
    return 0;
  }

  /** Codes whose string values contain `needle` (lower-cased), case-insensitively. */
  searchMask(needle: string): Uint8Array | null {
    const mask = new Uint8Array(this.keys.length);
    let any = false;
    for (let c = 1; c < this.keys.length; c++) {
      const key = this.keys[c]!;
      let hit: boolean;
      if (this.kind === "json") hit = jsonStrings(key).some((s) => s.toLowerCase().includes(needle));
      // Fast path: the key's separators and tags never occur in a needle (control characters).
      else if (!key.includes("\u0003") && !key.startsWith("\u0004")) hit = key.toLowerCase().includes(needle);
      else hit = decodeTuple(key).some((v) => typeof v === "string" && v.toLowerCase().includes(needle));
      if (hit) {
        mask[c] = 1;
        any = true;
      }
    }
    return any ? mask : null;
  }

  /** Approximate heap bytes: the keys (one byte per character for ASCII), map slots, counters. */
  bytes(): number {
    let chars = 0;
    for (const key of this.keys) chars += key.length;
    return chars + this.keys.length * 48 + this.counts.byteLength;
  }
}

/** Every string leaf of a JSON document (keys are not text). */
function jsonStrings(json: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(json));
  } catch {
    // not JSON: no text
  }
  return out;
}

/** Numbers (users.id, day numbers) to small codes; 0 is "none". */
export class NumberCodes {
  readonly codes = new Map<number, number>();
  readonly values: number[] = [0];
  counts: Uint32Array = new Uint32Array(64);

  get size(): number {
    return this.values.length;
  }

  code(value: number | null): number {
    if (value === null) {
      this.counts[0]!++;
      return 0;
    }
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
      this.counts = growCounts(this.counts, code);
    }
    this.counts[code]!++;
    return code;
  }
}
