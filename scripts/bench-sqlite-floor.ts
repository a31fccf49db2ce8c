// Measurement (not a test): what one SQLite writer can insert at all, on this machine, with
// orgtrail's durability settings (WAL, synchronous=FULL, one transaction per 50,000 rows),
// from the rows of an NDJSON file: the floor under `orgtrail ingest` (docs/PERFORMANCE.md,
// "What bounds ingest"). Each variant adds one part of what the events table carries.
//   node --import tsx/esm scripts/bench-sqlite-floor.ts --file events.ndjson [--rows 1000000] [--dir /tmp]
import { createHash } from "node:crypto";
import { createReadStream, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { deflateRawSync } from "node:zlib";
import BetterSqlite3 from "better-sqlite3";

const { values } = parseArgs({
  options: {
    file: { type: "string" },
    rows: { type: "string", default: "1000000" },
    dir: { type: "string", default: "/tmp" },
    batch: { type: "string", default: "50000" },
  },
});
if (!values.file) throw new Error("--file events.ndjson is required");
const limit = Number(values.rows);
const batch = Number(values.batch);

type RowValues = [number, number, number, string, number, null, number, string, string, null, number, string];

/** The rows: the line as the body, its SHA-256 as the dedupe key, a chained hash, like orgtrail's. */
async function readRows(): Promise<RowValues[]> {
  const rows: RowValues[] = [];
  let chain = Buffer.alloc(32);
  const lines = createInterface({ input: createReadStream(values.file!), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === "") continue;
    const o = JSON.parse(line) as { action: string; timestamp: string };
    const leaf = createHash("sha256").update(line).digest();
    chain = createHash("sha256").update(chain).update(leaf).digest();
    rows.push([
      1,
      rows.length + 1,
      Date.parse(o.timestamp),
      o.action,
      1 + (rows.length % 10_000),
      null,
      200,
      leaf.toString("hex"),
      line,
      null,
      0,
      chain.toString("hex"),
    ]);
    if (rows.length >= limit) break;
  }
  lines.close();
  return rows;
}

const EVENTS = `CREATE TABLE events (org_id INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, action TEXT NOT NULL,
  actor_id INTEGER, target_id INTEGER, response_code INTEGER, dedupe_key TEXT NOT NULL, body TEXT NOT NULL, extra TEXT,
  ingested_at INTEGER NOT NULL, chain TEXT NOT NULL, PRIMARY KEY (org_id, seq))`;
const INSERT = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

interface RowVariant {
  name: string;
  schema: string[];
  insert: string;
  values: (r: RowValues) => unknown[];
}
/** A layout written a batch at a time (its own statements, prepared once). */
interface BatchVariant {
  name: string;
  schema: string[];
  prepare: (db: BetterSqlite3.Database) => (rows: RowValues[]) => void;
}
type Variant = RowVariant | BatchVariant;

/**
 * Issue 14's candidate layout: the events of a batch in blocks of BLOCK events in sequence
 * order, one row per block with its range (first/last seq, min/max time) for pruning, the
 * fixed-width fields as one binary column (time, ids, status, ingested_at: 8+4+4+2+8 bytes;
 * the dedupe key and chain link as 32 raw bytes each) and the text (action, body, extra) as
 * one deflated column. Optionally a slim per-event dedupe index (time, first 8 bytes of the
 * key) in a WITHOUT ROWID table, for exact dedupe of out-of-order input by seek.
 */
const BLOCK = 1024;
const BLOCKS = `CREATE TABLE event_blocks (org_id INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, n INTEGER NOT NULL, fixed BLOB NOT NULL, text BLOB NOT NULL,
  PRIMARY KEY (org_id, first_seq)) WITHOUT ROWID`;
const FIXED = 8 + 4 + 4 + 2 + 8 + 32 + 32;

function blockWriter(compress: boolean, slimIndex: boolean) {
  return (db: BetterSqlite3.Database) => {
    const insertBlock = db.prepare("INSERT INTO event_blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const insertKey = slimIndex ? db.prepare("INSERT INTO event_keys VALUES (?, ?, ?, ?)") : null;
    return (rows: RowValues[]) => {
      for (let b = 0; b < rows.length; b += BLOCK) {
        const block = rows.slice(b, b + BLOCK);
        const fixed = Buffer.alloc(block.length * FIXED);
        const text: string[] = [];
        let minTs = Infinity;
        let maxTs = -Infinity;
        block.forEach((r, i) => {
          const o = i * FIXED;
          fixed.writeDoubleLE(r[2], o);
          fixed.writeInt32LE(r[4], o + 8);
          fixed.writeInt32LE(r[5] ?? -1, o + 12);
          fixed.writeUInt16LE(r[6], o + 16);
          fixed.writeDoubleLE(r[10], o + 18);
          fixed.write(r[7], o + 26, 32, "hex");
          fixed.write(r[11], o + 58, 32, "hex");
          text.push(r[3], r[8], r[9] ?? "");
          if (r[2] < minTs) minTs = r[2];
          if (r[2] > maxTs) maxTs = r[2];
          insertKey?.run(r[0], r[2], fixed.readBigInt64LE(o + 26), r[1]);
        });
        const joined = Buffer.from(text.join("\n"));
        insertBlock.run(
          block[0]![0],
          block[0]![1],
          block.at(-1)![1],
          minTs,
          maxTs,
          block.length,
          fixed,
          compress ? deflateRawSync(joined, { level: 1 }) : joined,
        );
      }
    };
  };
}
const KEYS =
  "CREATE TABLE event_keys (org_id INTEGER NOT NULL, ts INTEGER NOT NULL, key8 INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (org_id, ts, key8)) WITHOUT ROWID";
const variants: Variant[] = [
  { name: "an integer per row (the per-statement cost)", schema: ["CREATE TABLE t (a INTEGER)"], insert: "INSERT INTO t VALUES (?)", values: (r) => [r[1]] },
  { name: "the line text only, no key", schema: ["CREATE TABLE t (body TEXT)"], insert: "INSERT INTO t VALUES (?)", values: (r) => [r[8]] },
  { name: "the events row, primary key (org_id, seq) only", schema: [EVENTS], insert: INSERT, values: (r) => r },
  { name: "+ index (org_id, ts, seq)", schema: [EVENTS, "CREATE INDEX t1 ON events (org_id, ts, seq)"], insert: INSERT, values: (r) => r },
  {
    name: "+ unique (org_id, ts, dedupe_key): orgtrail's schema",
    schema: [EVENTS, "CREATE INDEX t1 ON events (org_id, ts, seq)", "CREATE UNIQUE INDEX t2 ON events (org_id, ts, dedupe_key)"],
    insert: `${INSERT} ON CONFLICT (org_id, ts, dedupe_key) DO NOTHING`,
    values: (r) => r,
  },
  {
    name: "same, with unique (org_id, dedupe_key) as before migration 0005",
    schema: [EVENTS, "CREATE INDEX t1 ON events (org_id, ts, seq)", "CREATE UNIQUE INDEX t2 ON events (org_id, dedupe_key)"],
    insert: `${INSERT} ON CONFLICT (org_id, dedupe_key) DO NOTHING`,
    values: (r) => r,
  },
  { name: `blocks of ${BLOCK} events, text uncompressed, no per-event index`, schema: [BLOCKS], prepare: blockWriter(false, false) },
  { name: `blocks of ${BLOCK} events, text deflated (level 1), no per-event index`, schema: [BLOCKS], prepare: blockWriter(true, false) },
  { name: `blocks of ${BLOCK} events, text deflated, + slim dedupe index (org_id, ts, key8)`, schema: [BLOCKS, KEYS], prepare: blockWriter(true, true) },
];

const rows = await readRows();
const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r[8]) + 1, 0);
console.log(
  `${rows.length.toLocaleString("en-US")} rows of ${values.file} (${(bytes / 1e6).toFixed(0)} MB of lines), ${batch.toLocaleString("en-US")} per transaction, WAL, synchronous=FULL, 1 GiB page cache, checkpoint every 128 MiB\n`,
);
console.log("| what is inserted | wall s | CPU s | rows/s (wall) | CPU µs/row | file MB |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const v of variants) {
  const path = join(values.dir!, `orgtrail-floor-${process.pid}.db`);
  const clean = () => ["", "-wal", "-shm"].forEach((s) => rmSync(path + s, { force: true }));
  clean();
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("cache_size = -1048576");
  db.pragma("wal_autocheckpoint = 32768");
  for (const s of v.schema) db.exec(s);
  let write: (from: number, to: number) => void;
  if ("prepare" in v) {
    const writeRows = v.prepare(db);
    write = (from, to) => writeRows(rows.slice(from, to));
  } else {
    const insert = db.prepare(v.insert);
    const args = rows.map(v.values);
    write = (from, to) => {
      for (let i = from; i < to; i++) insert.run(...args[i]!);
    };
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < rows.length; b += batch) db.transaction(() => write(b, Math.min(b + batch, rows.length))).immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  db.close();
  const size = statSync(path).size / 1e6;
  clean();
  console.log(
    `| ${v.name} | ${seconds.toFixed(2)} | ${cpuSeconds.toFixed(2)} | ${Math.round(rows.length / seconds).toLocaleString("en-US")} | ${((cpuSeconds * 1e6) / rows.length).toFixed(1)} | ${size.toFixed(0)} |`,
  );
}
