// Measurement (not a test): the floor PostgreSQL itself puts under `orgtrail ingest` on this
// machine (issue 14, docs/PERFORMANCE.md, "PostgreSQL ingest: the floor (measured)"). On its own
// PostgreSQL 15 cluster (loopback, a free port, the bench's settings: fsync off unless
// --durable), for the same events:
//   cli                  `orgtrail ingest FILE` into a fresh database (ORGTRAIL_INGEST_PROFILE=1):
//                        wall, the CLI's CPU, PostgreSQL's CPU, its statements (pg_stat_statements)
//   copy                 the rows the CLI stored, dumped into memory before the clock starts, COPYed
//                        back (text, batches of the CLI's 25,000 events, BEGIN; COPY; COMMIT each)
//                        into a freshly migrated store's `events` (its partitions and indexes)
//   copy-no-org-ts       the same without the (org_id, ts, seq) index
//   copy-pk              … and without the dedupe index (the primary key only)
//   copy-heap            … and without the primary key (no index at all)
//   copy-binary          `copy` in COPY's binary format
//   copy-unlogged        `copy` into UNLOGGED partitions (no WAL)
//   copy-unlogged-heap   no WAL, no index: the absolute floor of storing the rows
//   copy-2conn           `copy` over two connections at once, batches alternating
//   copy-nosync          `copy` with synchronous_commit off in the session (meaningful with --durable)
// CPU of PostgreSQL = utime + stime of the postmaster, its live children and its reaped ones
// (cutime + cstime), before and after: exact, backends that exit included.
//   node --import tsx/esm scripts/bench-pg-floor.ts [--events N] [--input FILE] [--runs 2]
//        [--only cli,copy,...] [--durable] [--dir /tmp/pgfloor] [--keep]
// --keep leaves the cluster running with the CLI's databases (to look at their plans); it prints how to stop it.
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { openStore } from "../lib/db/client";
import { createDatabaseAt, PG_BIN, startPostgres } from "../tests/support/postgres";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "bin", "orgtrail.mjs");

const VARIANTS = [
  "cli",
  "copy",
  "copy-no-org-ts",
  "copy-pk",
  "copy-heap",
  "copy-binary",
  "copy-unlogged",
  "copy-unlogged-heap",
  "copy-2conn",
  "copy-nosync",
] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({
  options: {
    events: { type: "string" },
    input: { type: "string" },
    users: { type: "string", default: "2000" },
    runs: { type: "string", default: "2" },
    only: { type: "string", default: "cli,copy,copy-no-org-ts,copy-pk,copy-heap" },
    durable: { type: "boolean", default: false },
    batch: { type: "string", default: "25000" },
    dir: { type: "string", default: "/tmp/pgfloor" },
    keep: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const batchEvents = Number(values.batch);
const only = values.only!.split(",").map((s) => s.trim()) as Variant[];
for (const v of only) if (!VARIANTS.includes(v)) throw new Error(`--only: unknown variant ${v} (${VARIANTS.join(", ")})`);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
const workDir = values.dir!;
mkdirSync(workDir, { recursive: true });

const log = (m: string) => process.stderr.write(`pg-floor: ${m}\n`);
const CLOCK_TICKS = 100;
const COLUMNS = "org_id, seq, ts, action, actor_id, target_id, response_code, dedupe_key, body, extra, ingested_at, chain";

// ---------------------------------------------------------------------------------------------
// The input

/** The NDJSON file measured: --input (its first --events lines if given), else a generated one. */
async function inputFile(): Promise<string> {
  if (values.input) {
    if (!values.events) return values.input;
    const n = Number(values.events);
    const out = join(workDir, `head-${n}-${values.input.replace(/[^A-Za-z0-9.-]/g, "_").slice(-60)}`);
    if (existsSync(out)) return out;
    log(`writing the first ${n} lines of ${values.input} to ${out}...`);
    const lines = createInterface({ input: createReadStream(values.input), crlfDelay: Infinity });
    const w = createWriteStream(`${out}.part`);
    let count = 0;
    for await (const line of lines) {
      if (!w.write(`${line}\n`)) await new Promise<void>((r) => w.once("drain", () => r()));
      if (++count >= n) break;
    }
    lines.close();
    await new Promise<void>((r, j) => w.end((e?: Error | null) => (e ? j(e) : r())));
    renameSync(`${out}.part`, out);
    return out;
  }
  const n = Number(values.events ?? "1000000");
  const out = join(workDir, `events-${n}-${values.users}-42.ndjson`);
  if (existsSync(out)) return out;
  log(`generating ${n} events for ${values.users} users (seed 42) into ${out}...`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx/esm",
      join(root, "scripts/generate.ts"),
      "--events",
      String(n),
      "--users",
      values.users!,
      "--days",
      "730",
      "--end",
      "2026-11-25",
      "--seed",
      "42",
      "--out",
      out,
    ],
    { cwd: root, stdio: "inherit" },
  );
  if (r.status !== 0) throw new Error("generation failed");
  return out;
}

// ---------------------------------------------------------------------------------------------
// The cluster

interface Cluster {
  baseUrl: string;
  dataDir: string;
  postmaster: number;
  stop(): Promise<void>;
}

/**
 * A cluster as the tests and the bench start it (tests/support/postgres.ts: fsync,
 * synchronous_commit and full_page_writes off; with --durable, PostgreSQL's defaults), with
 * pg_stat_statements loaded to split the CLI's PostgreSQL time by statement.
 */
async function startCluster(durable: boolean): Promise<Cluster> {
  const cluster = await startPostgres({
    durable,
    settings: ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.max=1000"],
    keep: values.keep,
  });
  const postmaster = Number(readFileSync(join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return { baseUrl: cluster.baseUrl, dataDir: cluster.dataDir, postmaster, stop: () => cluster.stop() };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting

function statFields(pid: number | "self"): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime (+ cutime + cstime with `children`) of a process, seconds. */
function cpuOf(pid: number | "self", children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  const own = Number(f[11]) + Number(f[12]);
  return (children ? own + Number(f[13]) + Number(f[14]) : own) / CLOCK_TICKS;
}

/** CPU of the processes this one has waited for (the CLI, once it exited), seconds. */
const reapedChildrenCpu = () => {
  const f = statFields("self")!;
  return (Number(f[13]) + Number(f[14])) / CLOCK_TICKS;
};

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === ppid) out.push(Number(entry));
  }
  return out;
}

/** What a PostgreSQL process is, from its title. */
function kindOf(pid: number): string {
  let title = "";
  try {
    title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "gone";
  }
  if (title.includes("autovacuum worker")) return "autovacuum";
  for (const k of ["checkpointer", "walwriter", "background writer", "autovacuum launcher", "logical replication", "logger"]) if (title.includes(k)) return k;
  return "backends";
}

/**
 * Every PostgreSQL process's CPU over a span: exact in total (the postmaster's own and reaped
 * children's times plus the live children's), by kind from samples every 200 ms (a process that
 * exits between two samples loses its last < 200 ms to "backends").
 */
class PgCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { kind: string; cpu: number }>();
  private readonly total0: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly postmaster: number) {
    for (const pid of childrenOf(postmaster)) {
      const cpu = cpuOf(pid, true);
      this.first.set(pid, cpu);
      this.last.set(pid, { kind: kindOf(pid), cpu });
    }
    this.total0 = this.total();
    this.timer = setInterval(() => this.sample(), 200);
  }

  private total(): number {
    let t = cpuOf(this.postmaster, true);
    for (const pid of childrenOf(this.postmaster)) t += cpuOf(pid, true);
    return t;
  }

  private sample(): void {
    for (const pid of childrenOf(this.postmaster)) {
      const cpu = cpuOf(pid, true);
      const seen = this.last.get(pid);
      if (seen) seen.cpu = Math.max(seen.cpu, cpu);
      else this.last.set(pid, { kind: kindOf(pid), cpu });
    }
  }

  stop(): { total: number; byKind: Record<string, number> } {
    this.sample();
    clearInterval(this.timer);
    const total = this.total() - this.total0;
    const byKind: Record<string, number> = {};
    let known = 0;
    for (const [pid, { kind, cpu }] of this.last) {
      if (kind === "backends") continue;
      const d = cpu - (this.first.get(pid) ?? 0);
      byKind[kind] = (byKind[kind] ?? 0) + d;
      known += d;
    }
    byKind.backends = total - known;
    return { total, byKind };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A checkpoint, then until no autovacuum worker runs (at most 3 minutes): each measurement starts quiet. */
async function quiesce(baseUrl: string): Promise<void> {
  await withClient(`${baseUrl}/postgres`, async (c) => {
    await c.query("CHECKPOINT");
    const until = Date.now() + 180_000;
    let quietFor = 0;
    while (Date.now() < until && quietFor < 2) {
      const { rows } = await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
      quietFor = Number(rows[0]!.n) === 0 ? quietFor + 1 : 0;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await c.query("CHECKPOINT");
  });
}

async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withClient(`${baseUrl}/postgres`, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

interface Result {
  variant: Variant;
  run: number;
  events: number;
  wall: number;
  clientCpu: number;
  pgCpu: number;
  pgByKind: Record<string, number>;
  loadBefore: string;
  loadAfter: string;
  note?: string;
}
const results: Result[] = [];

function report(r: Result): void {
  const kinds = Object.entries(r.pgByKind)
    .filter(([, s]) => s >= 0.05)
    .map(([k, s]) => `${k} ${s.toFixed(1)}`)
    .join(", ");
  log(
    `${r.variant} #${r.run}: ${r.events} events, wall ${r.wall.toFixed(2)} s = ${Math.round(r.events / r.wall)}/s; client CPU ${r.clientCpu.toFixed(2)} s; PostgreSQL CPU ${r.pgCpu.toFixed(2)} s = ${((1e6 * r.pgCpu) / r.events).toFixed(2)} µs/event (${kinds}); load ${r.loadBefore} → ${r.loadAfter}`,
  );
}

// ---------------------------------------------------------------------------------------------
// 1. The CLI

interface Statement {
  query: string;
  calls: number;
  rows: number;
  ms: number;
}

async function resetStatements(baseUrl: string): Promise<void> {
  await withClient(`${baseUrl}/postgres`, async (c) => {
    await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await c.query("SELECT pg_stat_statements_reset()");
  });
}

async function statementsOf(baseUrl: string, db: string): Promise<Statement[]> {
  return withClient(`${baseUrl}/postgres`, async (c) => {
    const { rows } = await c.query<{ query: string; calls: string; rows: string; ms: number }>(
      `SELECT s.query, s.calls, s.rows, s.total_exec_time AS ms FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE d.datname = $1 ORDER BY s.total_exec_time DESC`,
      [db],
    );
    return rows.map((r) => ({ query: r.query.replace(/\s+/g, " ").trim(), calls: Number(r.calls), rows: Number(r.rows), ms: Number(r.ms) }));
  });
}

/** The statement groups of the PostgreSQL executor (lib/ingest/write-postgres.ts). */
function groupOf(q: string): string {
  if (/^COPY events/i.test(q)) return "COPY events";
  if (/^COMMIT/i.test(q)) return "COMMIT";
  if (/^(BEGIN|ROLLBACK)/i.test(q)) return "BEGIN";
  if (/orgtrail_event_partitions/.test(q)) return "partitions";
  if (/^(INSERT INTO|UPDATE) (user_day|user_activity|day_activity|week_activity)/i.test(q)) return "rollups (user_day, user_activity, day/week)";
  if (/FROM user_day d WHERE/.test(q)) return "rollup lookups";
  if (/FROM events|JOIN events/i.test(q)) return "dedupe lookups, max(ts)";
  if (/(FROM|INTO|UPDATE) users/i.test(q) || /nextval/.test(q)) return "users (lookups, new, changed)";
  if (/organizations/i.test(q)) return "organization lock, head";
  return "other";
}

async function runCli(cluster: Cluster, file: string, run: number): Promise<{ db: string; events: number }> {
  const db = `floor_cli_${run}`;
  await dropDatabase(cluster.baseUrl, db);
  const url = await createDatabaseAt(cluster.baseUrl, db);
  // Migrated before the clock (the bench's CLI migrates its fresh database inside its time: ~1 s).
  const store = await openStore(url);
  await store.close();
  await quiesce(cluster.baseUrl);
  await resetStatements(cluster.baseUrl);
  log(`cli #${run}: orgtrail ingest ${file} → ${db} (load ${load()})`);
  const loadBefore = load();
  const cpu0 = reapedChildrenCpu();
  const pgCpu = new PgCpu(cluster.postmaster);
  const started = performance.now();
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((done, fail) => {
    const child = spawn(process.execPath, [cli, "ingest", file], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ORGTRAIL_DEMO: "0", ORGTRAIL_DATABASE_URL: url, ORGTRAIL_INGEST_PROFILE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", fail);
    child.on("exit", (c) => done({ stdout: out, stderr: err, code: c }));
  });
  const wall = (performance.now() - started) / 1000;
  const pg = pgCpu.stop();
  const clientCpu = reapedChildrenCpu() - cpu0;
  if (code !== 0) throw new Error(`orgtrail ingest exited ${code}: ${stdout}${stderr}`);
  const m = /accepted (\d+)/.exec(stdout);
  const events = m ? Number(m[1]) : 0;
  const result: Result = { variant: "cli", run, events, wall, clientCpu, pgCpu: pg.total, pgByKind: pg.byKind, loadBefore, loadAfter: load() };
  results.push(result);
  report(result);
  const profile = stderr.slice(Math.max(0, stderr.indexOf("writer profile:")));
  process.stdout.write(`\n### cli #${run}: ${stdout.trim()}\n\n\`\`\`\n${profile.trim()}\n\`\`\`\n`);
  const statements = await statementsOf(cluster.baseUrl, db);
  const groups = new Map<string, { calls: number; ms: number }>();
  for (const s of statements) {
    const g = groups.get(groupOf(s.query)) ?? { calls: 0, ms: 0 };
    g.calls += s.calls;
    g.ms += s.ms;
    groups.set(groupOf(s.query), g);
  }
  const totalMs = statements.reduce((n, s) => n + s.ms, 0);
  process.stdout.write(
    `\nPostgreSQL execution time by statement group (pg_stat_statements, total_exec_time; ${(totalMs / 1000).toFixed(2)} s in all):\n\n| group | calls | s | µs/event | share |\n|---|---:|---:|---:|---:|\n`,
  );
  for (const [g, { calls, ms }] of [...groups].sort((a, b) => b[1].ms - a[1].ms))
    process.stdout.write(`| ${g} | ${calls} | ${(ms / 1000).toFixed(2)} | ${((1000 * ms) / events).toFixed(2)} | ${((100 * ms) / totalMs).toFixed(1)}% |\n`);
  process.stdout.write(`\nTop statements:\n\n`);
  for (const s of statements.slice(0, 12))
    process.stdout.write(`- ${(s.ms / 1000).toFixed(2)} s, ${s.calls} calls, ${s.rows} rows: ${s.query.slice(0, 140)}\n`);
  return { db, events };
}

// ---------------------------------------------------------------------------------------------
// 2. The rows, dumped

interface Dump {
  orgId: number;
  batches: Buffer[];
  bytes: number;
  /** A timestamp of each day the rows hold (for the partitions: orgtrail_event_partitions makes their months). */
  days: number[];
}

/** The rows of `db`'s events, as COPY's text or binary output of batchEvents rows each, in seq order. */
async function dumpRows(url: string, binary: boolean): Promise<Dump> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ org_id: number; lo: string; hi: string }>(
      "SELECT org_id, min(seq) AS lo, max(seq) AS hi FROM events GROUP BY org_id ORDER BY count(*) DESC LIMIT 1",
    );
    const { org_id: orgId } = rows[0]!;
    const days = await c.query<{ m: string }>("SELECT DISTINCT ts - ts % 86400000 AS m FROM events ORDER BY 1");
    const batches: Buffer[] = [];
    let bytes = 0;
    for (let lo = Number(rows[0]!.lo); lo <= Number(rows[0]!.hi); lo += batchEvents) {
      const chunks: Buffer[] = [];
      const stream = c.query(
        copyTo(
          `COPY (SELECT ${COLUMNS} FROM events WHERE org_id = ${orgId} AND seq >= ${lo} AND seq < ${lo + batchEvents} ORDER BY seq) TO STDOUT${binary ? " (FORMAT binary)" : ""}`,
        ),
      );
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const b = Buffer.concat(chunks);
      bytes += b.length;
      batches.push(b);
    }
    return { orgId, batches, bytes, days: days.rows.map((r) => Number(r.m)) };
  });
}

// ---------------------------------------------------------------------------------------------
// 3. The floor: COPY of the pre-rendered rows

/** A freshly migrated store with the partitions the rows need, shaped for the variant. */
async function prepareFloorStore(cluster: Cluster, variant: Variant, run: number, days: number[]): Promise<string> {
  const db = `floor_${variant.replace(/-/g, "_")}_${run}`;
  await dropDatabase(cluster.baseUrl, db);
  const url = await createDatabaseAt(cluster.baseUrl, db);
  const store = await openStore(url);
  await store.close();
  await withClient(url, async (c) => {
    await c.query("SELECT orgtrail_event_partitions($1::bigint[])", [days]);
    if (["copy-no-org-ts", "copy-pk", "copy-heap", "copy-unlogged-heap"].includes(variant)) await c.query("DROP INDEX events_org_ts");
    if (["copy-pk", "copy-heap", "copy-unlogged-heap"].includes(variant)) await c.query("DROP INDEX events_org_dedupe");
    if (["copy-heap", "copy-unlogged-heap"].includes(variant)) await c.query("ALTER TABLE events DROP CONSTRAINT events_pk");
    if (variant.startsWith("copy-unlogged")) {
      const { rows } = await c.query<{ p: string }>("SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'events'::regclass");
      for (const { p } of rows) await c.query(`ALTER TABLE ${p} SET UNLOGGED`);
    }
    const { rows } = await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indrelid WHERE h.inhparent = 'events'::regclass",
    );
    log(`${db}: the partitions of ${days.length} days ready, ${rows[0]!.n} partition indexes`);
  });
  return url;
}

async function copyBatch(c: pg.Client, batch: Buffer, binary: boolean): Promise<void> {
  await c.query("BEGIN");
  const stream = c.query(copyFrom(`COPY events (${COLUMNS}) FROM STDIN${binary ? " (FORMAT binary)" : ""}`));
  await pipeline(Readable.from([batch]), stream);
  await c.query("COMMIT");
}

async function runFloor(cluster: Cluster, variant: Variant, run: number, dump: Dump, events: number): Promise<void> {
  const url = await prepareFloorStore(cluster, variant, run, dump.days);
  const binary = variant === "copy-binary";
  const conns = variant === "copy-2conn" ? 2 : 1;
  const clients: pg.Client[] = [];
  for (let i = 0; i < conns; i++) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    if (variant === "copy-nosync") await c.query("SET synchronous_commit = off");
    clients.push(c);
  }
  try {
    await quiesce(cluster.baseUrl);
    log(
      `${variant} #${run}: COPY ${events} rows (${(dump.bytes / 1e6).toFixed(0)} MB${binary ? ", binary" : ""}) in ${dump.batches.length} batches (load ${load()})`,
    );
    const loadBefore = load();
    const own0 = process.cpuUsage();
    const pgCpu = new PgCpu(cluster.postmaster);
    const started = performance.now();
    await Promise.all(
      clients.map(async (c, i) => {
        for (let b = i; b < dump.batches.length; b += conns) await copyBatch(c, dump.batches[b]!, binary);
      }),
    );
    const wall = (performance.now() - started) / 1000;
    const pg = pgCpu.stop();
    const own = process.cpuUsage(own0);
    const result: Result = {
      variant,
      run,
      events,
      wall,
      clientCpu: (own.user + own.system) / 1e6,
      pgCpu: pg.total,
      pgByKind: pg.byKind,
      loadBefore,
      loadAfter: load(),
    };
    results.push(result);
    report(result);
    const { rows } = await clients[0]!.query<{ n: string; size: string }>("SELECT count(*) AS n, pg_total_relation_size('events') AS size FROM events");
    const size = await clients[0]!.query<{ size: string }>(
      "SELECT sum(pg_total_relation_size(inhrelid)) AS size FROM pg_inherits WHERE inhparent = 'events'::regclass",
    );
    if (Number(rows[0]!.n) !== events) throw new Error(`${variant}: stored ${rows[0]!.n} rows, expected ${events}`);
    result.note = `${(Number(size.rows[0]!.size) / 1e6).toFixed(0)} MB stored`;
  } finally {
    for (const c of clients) await c.end();
  }
  await dropDatabase(cluster.baseUrl, `floor_${variant.replace(/-/g, "_")}_${run}`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const file = await inputFile();
  log(
    `input ${file}; variants ${only.join(", ")}; ${runs} run(s) each; ${values.durable ? "durable (fsync, synchronous_commit, full_page_writes on)" : "the bench's settings (fsync, synchronous_commit, full_page_writes off)"}`,
  );
  const cluster = await startCluster(values.durable!);
  log(`PostgreSQL 15 at ${cluster.baseUrl} (postmaster ${cluster.postmaster}, ${cluster.dataDir})`);
  try {
    // The CLI runs first: its store is where the floor's rows come from (a CLI run is needed even
    // when not asked for, unmeasured then).
    const cliRuns = only.includes("cli") ? runs : 1;
    let source: { db: string; events: number } | null = null;
    for (let run = 1; run <= cliRuns; run++) {
      const r = await runCli(cluster, file, run);
      if (source && !values.keep) await dropDatabase(cluster.baseUrl, r.db);
      else source = r;
    }
    if (!only.includes("cli"))
      results.splice(
        results.findIndex((r) => r.variant === "cli"),
        1,
      );
    const floors = only.filter((v) => v !== "cli");
    if (floors.length > 0) {
      const sourceUrl = `${cluster.baseUrl}/${source!.db}`;
      const text = floors.some((v) => v !== "copy-binary");
      let dump: Dump | null = null;
      const dumpOf = async (binary: boolean) => {
        const started = performance.now();
        const d = await dumpRows(sourceUrl, binary);
        log(
          `dumped ${source!.events} rows, ${(d.bytes / 1e6).toFixed(0)} MB${binary ? " (binary)" : ""} in ${d.batches.length} batches, ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        return d;
      };
      // One copy of the rows in memory at a time: the text variants, then the binary one.
      if (text) {
        dump = await dumpOf(false);
        if (!floors.includes("copy-binary") && !values.keep) await dropDatabase(cluster.baseUrl, source!.db);
        for (let run = 1; run <= runs; run++) for (const v of floors) if (v !== "copy-binary") await runFloor(cluster, v, run, dump, source!.events);
        dump = null;
      }
      if (floors.includes("copy-binary")) {
        dump = await dumpOf(true);
        if (!values.keep) await dropDatabase(cluster.baseUrl, source!.db);
        for (let run = 1; run <= runs; run++) await runFloor(cluster, "copy-binary", run, dump, source!.events);
      }
    }
  } finally {
    if (values.keep)
      log(
        `kept: ${cluster.baseUrl} (databases floor_cli_*); stop it with: runuser -u postgres -- ${join(PG_BIN, "pg_ctl")} -D ${cluster.dataDir} -m fast stop`,
      );
    else await cluster.stop();
  }
  process.stdout.write(
    `\n| variant | run | events | wall s | events/s | client CPU s | PostgreSQL CPU s | PG µs/event | PG by process | load before → after | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n`,
  );
  for (const r of results) {
    const kinds = Object.entries(r.pgByKind)
      .filter(([, s]) => s >= 0.05)
      .map(([k, s]) => `${k} ${s.toFixed(1)}`)
      .join(", ");
    process.stdout.write(
      `| ${r.variant} | ${r.run} | ${r.events.toLocaleString("en")} | ${r.wall.toFixed(2)} | ${Math.round(r.events / r.wall).toLocaleString("en")} | ${r.clientCpu.toFixed(2)} | ${r.pgCpu.toFixed(2)} | ${((1e6 * r.pgCpu) / r.events).toFixed(2)} | ${kinds} | ${r.loadBefore} → ${r.loadAfter} | ${r.note ?? ""} |\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`pg-floor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
