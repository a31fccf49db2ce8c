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

interface Variant {
  name: string;
  schema: string[];
  insert: string;
  values: (r: RowValues) => unknown[];
}
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
  const insert = db.prepare(v.insert);
  const args = rows.map(v.values);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < args.length; b += batch) {
    db.transaction(() => {
      for (let i = b; i < Math.min(b + batch, args.length); i++) insert.run(...args[i]!);
    }).immediate();
  }
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
