// `npm run bench`: generates an organization from a seed, then measures ingest (CLI, SQLite and
// PostgreSQL), the users import, /admin/audit_logs streaming and the dashboard routes from the
// built server, with peak RSS of each, side by side with DuckDB loading the same file and
// answering the same questions (scripts/bench-duckdb.ts, its own process); every pair's
// answers are cross-checked (MATCH / DIFF), so a ratio never compares different questions.
// Last on each store, the dashboard routes while a CLI ingest of later events runs
// (scripts/bench-during-ingest.ts; the SQLite store is put back as loaded afterwards).
//   npm run bench -- [--events 5000000] [--users N (default events / 500)] [--seed 42] [--no-pg] [--no-sqlite]
//     [--only ingest,stream,dashboard,explorer,duckdb,during-ingest] [--runs 30] [--warmup 3] [--duckdb-runs 10]
//     [--during-ingest-events N]  (the later batch: default events / 5, 100,000 with --smoke)
//     [--store file:/path.db|postgres://...]  (measure an already ingested store: no generation or ingest;
//       with --file events.ndjson, DuckDB loads that file for the side by side)
//     [--input events.ndjson [--users-csv users.csv]]  (your own audit log instead of the generated one;
//       pass --end YYYY-MM-DD, its last day: asOf is that day, the past asOf a year before it)
//     [--no-write]  (leave docs/PERFORMANCE.md alone)  [--smoke]  (50k events, 3 runs, no file write: CI)
// Results go to stdout as Markdown tables, and into docs/PERFORMANCE.md between the bench markers.
// ORGTRAIL_BENCH_DIR (default .bench) holds the generated files and the SQLite store.
// ORGTRAIL_BENCH_SERVER_NODE_FLAGS: node flags for the server (e.g. --trace-gc: its output is in
// the server's log, .bench/server-PORT.log).
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatDate, parseDate, todayDay } from "../lib/audit/timestamp";
import { generateDirectory, usersCsv, type GenerateOptions } from "../lib/demo/generate";
import type { DuckQuestion, DuckResult } from "./bench-duckdb";
import { crossCheck, type CheckResult } from "./bench-check";
import { describeExplorer, explorerPath, explorerQuestions, type ExplorerQuestion } from "./bench-explorer";
import { freePort, startPostgres } from "../tests/support/postgres";
import {
  duringIngestTable,
  futureHoursFor,
  hasOpen,
  laterBatch,
  percentile,
  readRoutesUntil,
  summarize,
  type DuringIngestResult,
  type LaterBatch,
} from "./bench-during-ingest";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "bin", "orgtrail.mjs");
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");
const benchDir = process.env.ORGTRAIL_BENCH_DIR || join(root, ".bench");

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "5000000" },
    users: { type: "string" },
    seed: { type: "string", default: "42" },
    end: { type: "string", default: "2026-11-25" },
    "no-pg": { type: "boolean", default: false },
    "no-sqlite": { type: "boolean", default: false },
    only: { type: "string", default: "ingest,stream,dashboard,explorer,duckdb,during-ingest" },
    "during-ingest-events": { type: "string" },
    runs: { type: "string" },
    warmup: { type: "string" },
    "duckdb-runs": { type: "string" },
    store: { type: "string" },
    file: { type: "string" },
    input: { type: "string" },
    "users-csv": { type: "string" },
    "no-write": { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
  },
});
// The whole run asks about one asOf, so DuckDB and orgtrail agree on it: today when it starts,
// or with --input the last day of that data (--end), so recent periods are not empty.
const asOf = process.env.ORGTRAIL_TODAY || (values.input ? values.end! : formatDate(todayDay()));
const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ORGTRAIL_DEMO: "0", ORGTRAIL_TODAY: asOf };
const smoke = values.smoke!;
const phases = new Set(values.only!.split(",").map((p) => p.trim()));
const PHASES = ["ingest", "stream", "dashboard", "explorer", "duckdb", "during-ingest"];
for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (${PHASES.join(", ")})`);
const runs = Number(values.runs ?? (smoke ? 3 : 30));
const warmup = Number(values.warmup ?? (smoke ? 1 : 3));
const duckRuns = Number(values["duckdb-runs"] ?? Math.min(runs, 10));
const events = smoke ? 50_000 : Number(values.events);
const users = Number(values.users ?? Math.max(100, Math.round(events / 500)));
const seed = Number(values.seed);
const laterEvents = Number(values["during-ingest-events"] ?? (smoke ? 100_000 : Math.round(events / 5)));

interface Row {
  what: string;
  events: number;
  seconds: number;
  /** CPU time (user + system) of the measured process(es), seconds. */
  cpuSeconds: number;
  peakRssMb: number;
  /** Goal on events/s, when the issue sets one. */
  goal?: string;
  /** Goal on the peak RSS (issue 14's ingest: ≤ 400 MB). */
  peakRssGoalMb?: number;
  /** The server's RSS while it streamed, for the export's "flat memory" goal. */
  flatMemory?: FlatMemory;
}
const rows: Row[] = [];
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function generate(): { events: string; usersCsv: string } {
  mkdirSync(benchDir, { recursive: true });
  const file = join(benchDir, `events-${events}-${users}-${seed}.ndjson`);
  const csv = join(benchDir, `users-${events}-${users}-${seed}.csv`);
  if (existsSync(file)) {
    // The directory depends on the same options as the events; write it alone when missing.
    if (!existsSync(csv)) writeFileSync(csv, usersCsv(generateDirectory(generateOptions())));
    return { events: file, usersCsv: csv };
  }
  log(`generating ${events} events for ${users} users (seed ${seed})...`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx/esm",
      join(root, "scripts/generate.ts"),
      "--events",
      String(events),
      "--users",
      String(users),
      "--days",
      "730",
      "--end",
      values.end!,
      "--seed",
      String(seed),
      "--out",
      file,
      "--users-csv",
      csv,
    ],
    { cwd: root, stdio: "inherit", env: baseEnv },
  );
  if (r.status !== 0) throw new Error("generation failed");
  return { events: file, usersCsv: csv };
}

function generateOptions(): GenerateOptions {
  return { seed, users, events, days: 730, endDate: values.end! };
}

/**
 * Runs a command, sampling its peak RSS (VmHWM) and CPU time from /proc until it exits (the CPU
 * time is the last sample's: at most 100 ms short).
 */
function runMeasured(
  args: string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (pid: number) => void,
): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stdout = "";
    let peak = 0;
    let cpu = 0;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const timer = setInterval(() => {
      peak = Math.max(peak, vmHwmMb(child.pid));
      cpu = Math.max(cpu, cpuSecondsOf(child.pid));
    }, 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code !== 0 && code !== 1) return reject(new Error(`${args.join(" ")} exited ${code}`));
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpu, peakRssMb: peak, stdout });
    });
  });
}

const CLOCK_TICKS = 100;

/** utime + stime of a process (fields 14 and 15 of /proc/pid/stat), seconds. */
function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU time of every live process in the process group (the detached server and its workers). */
function groupCpuSeconds(pgid: number | undefined): number {
  if (!pgid) return 0;
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function vmHwmMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Issue 14: the CLI ingest's peak RSS. */
const INGEST_PEAK_RSS_GOAL_MB = 400;

/** The live processes of a process group (the detached server and its children). */
function groupPids(pgid: number | undefined): number[] {
  if (!pgid) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function ingest(label: string, databaseUrl: string, file: string): Promise<void> {
  log(`${label}: orgtrail ingest...`);
  const r = await runMeasured([cli, "ingest", file], { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl });
  log(`${label}: ${r.stdout.trim()} in ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s CPU)`);
  // The events of the file as the CLI counted them (a given --input may hold duplicates or bad lines).
  const summary = /accepted (\d+), duplicates (\d+), rejected (\d+)/.exec(r.stdout);
  const events = summary ? Number(summary[1]) + Number(summary[2]) + Number(summary[3]) : 0;
  rows.push({
    what: `orgtrail ingest (CLI) → ${label}`,
    events,
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    peakRssMb: r.peakRssMb,
    // Issue 14's goals: SQLite against DuckDB's load of the same file, PostgreSQL in events/s.
    goal: label === "SQLite" ? `≥ ${SQLITE_INGEST_GOAL}× DuckDB's load` : "≥ 100,000 events/s",
    peakRssGoalMb: INGEST_PEAK_RSS_GOAL_MB,
  });
}

async function importUsers(label: string, databaseUrl: string, csv: string): Promise<void> {
  log(`${label}: orgtrail import-users...`);
  const r = await runMeasured([cli, "import-users", csv], { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl });
  log(`${label}: ${r.stdout.trim()} in ${r.seconds.toFixed(1)} s`);
}

/**
 * Signs the first checkpoint (re-hashing every event of the chain) before the server starts:
 * the server's hourly job would otherwise do it during the measurements.
 */
async function checkpoint(label: string, databaseUrl: string): Promise<void> {
  log(`${label}: orgtrail checkpoint...`);
  const r = await runMeasured([cli, "checkpoint"], { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl });
  const range = /checkpoint (\d+)-(\d+)/.exec(r.stdout);
  const events = range ? Number(range[2]) - Number(range[1]) + 1 : 0;
  log(`${label}: ${r.stdout.trim()} in ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s CPU)`);
  rows.push({
    what: `orgtrail checkpoint (re-hash the whole chain, sign) ← ${label}`,
    events,
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    peakRssMb: r.peakRssMb,
  });
}

interface Server {
  port: number;
  pid: number | undefined;
  auth: Record<string, string>;
}

const serverNodeFlags = (process.env.ORGTRAIL_BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean);

/** Starts the built server on the store with a fresh admin account; stops it (and its children) after. */
async function withServer(databaseUrl: string, fn: (server: Server) => Promise<void>): Promise<void> {
  const key = spawnSync(process.execPath, [cli, "admin", "create", "bench"], {
    cwd: root,
    env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl },
    encoding: "utf8",
  }).stdout.trim();
  const port = await freePort();
  // The server's output goes to a file next to the store, so a failed run can be read.
  mkdirSync(benchDir, { recursive: true });
  const logFile = join(benchDir, `server-${port}.log`);
  const out = openSync(logFile, "w");
  const server = spawn(process.execPath, [...serverNodeFlags, nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl },
    stdio: ["ignore", out, out],
    detached: true,
  });
  closeSync(out);
  try {
    let up = false;
    for (let i = 0; i < 240 && !up; i++) {
      up = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 500));
    }
    if (!up) throw new Error(`the server did not answer /api/health within 2 minutes; its output: ${logFile}`);
    await fn({ port, pid: server.pid, auth: { Authorization: `Basic ${Buffer.from(`bench:${key}`).toString("base64")}` } });
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    // Gone before the next phase: it holds the store open, and would share the CPU.
    for (let i = 0; i < 100 && groupPids(server.pid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  }
}

interface StreamSample {
  lines: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  /** The server's RSS (its process group's) before the request, and the most sampled while it streamed. */
  rssBeforeMb: number;
  rssPeakMb: number;
}

/** One NDJSON export read to the end, counting lines; wall and server CPU time, server RSS every 100 ms. */
async function streamOnce({ port, pid, auth }: Server, query: string): Promise<StreamSample> {
  const pids = groupPids(pid);
  const rss = () => pids.reduce((sum, p) => sum + vmRssMb(p), 0);
  const rssBeforeMb = rss();
  let rssPeakMb = rssBeforeMb;
  const timer = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rss())), 100);
  try {
    const cpu0 = groupCpuSeconds(pid);
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/admin/audit_logs?${query}`, { headers: auth });
    if (!res.ok) throw new Error(`/admin/audit_logs?${query}: HTTP ${res.status}`);
    let lines = 0;
    let bytes = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (let i = value.indexOf(10); i >= 0; i = value.indexOf(10, i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    rssPeakMb = Math.max(rssPeakMb, rss());
    return { lines, bytes, seconds, cpuSeconds: groupCpuSeconds(pid) - cpu0, rssBeforeMb, rssPeakMb };
  } finally {
    clearInterval(timer);
  }
}

interface FlatMemory {
  beforeMb: number;
  peakMb: number;
  /** Bytes streamed over all the measured requests. */
  bytes: number;
}

/** Growth of the server's RSS over the stream that still counts as flat. */
const FLAT_MEMORY_MB = 64;

/**
 * "At flat memory": the server's RSS grew by at most 64 MB while it streamed; told only when it
 * streamed at least 4× that (a smaller stream could be held whole within the margin).
 */
function flatMemoryGoal(f: FlatMemory): string {
  const growth = f.peakMb - f.beforeMb;
  const seen = `server RSS ${f.beforeMb.toFixed(0)} → ${f.peakMb.toFixed(0)} MB over ${(f.bytes / 2 ** 20).toFixed(0)} MB streamed`;
  if (f.bytes < 4 * FLAT_MEMORY_MB * 2 ** 20) return `at flat memory (RSS +≤ ${FLAT_MEMORY_MB} MB): too small a stream to tell, ${seen}`;
  return `at flat memory (RSS +≤ ${FLAT_MEMORY_MB} MB): ${growth <= FLAT_MEMORY_MB ? "met" : "**missed**"}, ${seen}`;
}

/**
 * The export rate of a 30-day and an all-time window: one unmeasured request first (the
 * server's first request pays for loading the route), then the median of a few runs.
 */
async function streamAll(label: string, server: Server): Promise<void> {
  await streamOnce(server, `startDate=${values.end}&numDays=0`);
  const times = smoke ? 1 : 3;
  for (const [name, query] of [
    ["30-day window", `startDate=${values.end}&numDays=29`],
    ["all-time window", `startDate=${values.end}&numDays=800`],
  ] as const) {
    const samples: StreamSample[] = [];
    for (let i = 0; i < times; i++) samples.push(await streamOnce(server, query));
    const flatMemory: FlatMemory = {
      beforeMb: samples[0]!.rssBeforeMb,
      peakMb: Math.max(...samples.map((s) => s.rssPeakMb)),
      bytes: samples.reduce((sum, s) => sum + s.bytes, 0),
    };
    samples.sort((a, b) => a.seconds - b.seconds);
    const m = samples[Math.floor((samples.length - 1) / 2)]!;
    log(`${label}: /admin/audit_logs ${name}: ${m.lines} events in ${m.seconds.toFixed(2)} s (server ${m.cpuSeconds.toFixed(2)} s CPU; median of ${times})`);
    rows.push({
      what: `/admin/audit_logs ${name} ← ${label} (server; median of ${times})`,
      events: m.lines,
      seconds: m.seconds,
      cpuSeconds: m.cpuSeconds,
      peakRssMb: vmHwmMb(server.pid),
      goal: "≥ 500,000 events/s",
      // Issue 6's export goal reads "at flat memory" for the whole history.
      ...(name === "all-time window" ? { flatMemory } : {}),
    });
  }
}

interface Latency {
  store: string;
  route: string;
  /** The same question asked of DuckDB. */
  question: DuckQuestion;
  /** The first answer's body, for the cross-check. */
  body: string;
  median: number;
  p95: number;
  min: number;
  max: number;
  bytes: number;
  detail: string;
}
const latencies: Latency[] = [];

/**
 * Each dashboard route and variant, `warmup` unmeasured requests then `runs` measured ones,
 * one at a time; a sample is the time to the last byte of the body (as a browser sends it:
 * compression accepted).
 */
const past = formatDate(parseDate(values.end!)! - 365);

/** Each dashboard route and variant, with the question DuckDB is asked for it. */
const variants: [string, string, DuckQuestion][] = [
  ["/api/v1/users", "/api/v1/users", { id: "users", kind: "users", asOf }],
  ["/api/v1/users/export.csv", "/api/v1/users/export.csv", { id: "users", kind: "users", asOf }],
  ...(["30d", "3m", "6m", "12m", "all"] as const).map((p): [string, string, DuckQuestion] => [
    `/api/v1/activity?period=${p}`,
    `/api/v1/activity?period=${p}`,
    { id: `activity-${p}`, kind: "activity", asOf, period: p },
  ]),
  ...([7, 30, 90] as const).map((r): [string, string, DuckQuestion] => [
    `/api/v1/activity/panel?range=${r}`,
    `/api/v1/activity/panel?range=${r}`,
    { id: `panel-${r}`, kind: "panel", asOf, range: r },
  ]),
  // asOf a year back: users active since then are counted from user_day, not the summary.
  [`/api/v1/users (asOf ${past})`, `/api/v1/users?asOf=${past}`, { id: `users@${past}`, kind: "users", asOf: past }],
  [
    `/api/v1/activity?period=3m (asOf ${past})`,
    `/api/v1/activity?period=3m&asOf=${past}`,
    { id: `activity-3m@${past}`, kind: "activity", asOf: past, period: "3m" },
  ],
  [
    `/api/v1/activity/panel?range=90 (asOf ${past})`,
    `/api/v1/activity/panel?range=90&asOf=${past}`,
    { id: `panel-90@${past}`, kind: "panel", asOf: past, range: 90 },
  ],
];

/** The explorer's questions (scripts/bench-explorer.ts), picked from the input once it is known. */
let explorerVariants: ExplorerQuestion[] = [];

/** The distinct DuckDB questions of the variants (the users list and the CSV ask the same), and the explorer's. */
function duckQuestions(): DuckQuestion[] {
  const byId = new Map<string, DuckQuestion>();
  if (phases.has("dashboard")) for (const [, , q] of variants) byId.set(q.id, q);
  if (phases.has("explorer")) for (const q of explorerVariants) byId.set(q.id, q);
  return [...byId.values()];
}

async function dashboard(label: string, { port, auth }: Server): Promise<void> {
  cpuChecks.push(cpuCalibrationMs());
  log(`${label}: dashboard routes; CPU check ${cpuChecks[cpuChecks.length - 1]!.toFixed(0)} ms (~10 ms idle)`);
  const headers = { ...auth, "Accept-Encoding": "gzip, deflate, br" };
  for (const [route, path, question] of variants) {
    const samples: number[] = [];
    let bytes = 0;
    let detail = "";
    let first = "";
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      const body = await res.text();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      if (i >= warmup) samples.push(ms);
      bytes = body.length;
      if (i === 0) {
        detail = describe(path, body);
        first = body;
      }
    }
    samples.sort((a, b) => a - b);
    const l: Latency = {
      store: label,
      route,
      question,
      body: first,
      median: percentile(samples, 0.5),
      p95: percentile(samples, 0.95),
      min: samples[0]!,
      max: samples[samples.length - 1]!,
      bytes,
      detail,
    };
    latencies.push(l);
    log(`${label}: ${route}: median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms (${detail})`);
  }
}

/** What the answer held, so a fast empty answer is not mistaken for a fast full one. */
function describe(path: string, body: string): string {
  if (path.includes("export.csv")) return `${body.split("\n").length - 2} rows`;
  const json = JSON.parse(body) as { users?: unknown[]; totalActiveUsers?: number; series?: unknown[]; activeUserCount?: number; weekly?: unknown[] };
  if (json.users) return `${json.users.length} users`;
  if (json.series) return `${json.totalActiveUsers} active, ${json.series.length} days`;
  return `${json.activeUserCount} active, ${json.weekly?.length ?? 0} weeks`;
}

function latencyTable(): string {
  const header = "| store | route | median (ms) | p95 (ms) | min (ms) | max (ms) | answer |\n|---|---|---:|---:|---:|---:|---|";
  const body = latencies.map(
    (l) =>
      `| ${l.store} | \`${l.route}\` | ${l.median.toFixed(1)} | ${l.p95.toFixed(1)} | ${l.min.toFixed(1)} | ${l.max.toFixed(1)} | ${l.detail}, ${(l.bytes / 1024).toFixed(0)} KiB |`,
  );
  return [header, ...body].join("\n");
}

const rate = (events: number, seconds: number) => Math.round(events / seconds).toLocaleString("en");

/** Issue 14: the SQLite CLI ingest at least this fraction of DuckDB's load speed (stretch 0.5). */
const SQLITE_INGEST_GOAL = 0.25;
/** Goals in events/s, met or not by the row's wall-time rate. */
const RATE_GOALS: Record<string, number> = { "≥ 500,000 events/s": 500_000, "≥ 100,000 events/s": 100_000 };

function table(): string {
  const header =
    "| measurement | events | wall s | CPU s | events/s (wall) | events/s (CPU) | peak RSS (MB) | goal | vs DuckDB load |\n|---|---:|---:|---:|---:|---:|---:|---|---:|";
  const body = rows.map((r) => {
    const ratio = duck && r.what.startsWith("orgtrail ingest") ? duck.loadSeconds / r.seconds : null;
    const versus = ratio === null ? "" : `${ratio.toFixed(2)}×`;
    const rateGoal = r.goal === undefined ? undefined : RATE_GOALS[r.goal];
    const goals = [
      rateGoal !== undefined
        ? `${r.goal}: ${r.events / r.seconds >= rateGoal ? "met" : "**missed**"}`
        : ratio !== null && r.goal?.endsWith("DuckDB's load")
          ? `${r.goal}: ${ratio >= SQLITE_INGEST_GOAL ? "met" : "**missed**"}`
          : r.goal,
    ];
    if (r.peakRssGoalMb !== undefined) goals.push(`peak RSS ≤ ${r.peakRssGoalMb} MB: ${r.peakRssMb <= r.peakRssGoalMb ? "met" : "**missed**"}`);
    if (r.flatMemory) goals.push(flatMemoryGoal(r.flatMemory));
    const goal = goals.filter(Boolean).join("; ");
    return `| ${r.what} | ${r.events.toLocaleString("en")} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${rate(r.events, r.seconds)} | ${r.cpuSeconds > 0 ? rate(r.events, r.cpuSeconds) : ""} | ${r.peakRssMb.toFixed(0)} | ${goal} | ${versus} |`;
  });
  return [header, ...body].join("\n");
}

let duck: DuckResult | null = null;
let duckPeakRssMb = 0;
const checks: { latency: Latency; check: CheckResult }[] = [];
const cpuChecks: number[] = [];

/** DuckDB loads the file and answers every variant's question, in its own process. */
async function duckdb(file: string): Promise<void> {
  const questions = duckQuestions();
  log(`DuckDB: loading ${file}, then ${questions.length} questions × ${duckRuns} runs...`);
  const r = await runMeasured(
    [
      "--import",
      "tsx/esm",
      join(root, "scripts/bench-duckdb.ts"),
      "--file",
      file,
      "--runs",
      String(duckRuns),
      "--warmup",
      "1",
      "--questions",
      JSON.stringify(questions),
    ],
    baseEnv,
  );
  const last = r.stdout.trim().split("\n").pop() ?? "";
  // DuckDB refuses a file with a malformed line (orgtrail rejects that line and goes on).
  if (!last.startsWith("{"))
    throw new Error(
      `DuckDB could not load ${file} (its error is above): the side by side needs a file both can read; drop the lines \`orgtrail ingest\` reports as rejected, or run with --only ingest,stream,dashboard`,
    );
  duck = JSON.parse(last) as DuckResult;
  duckPeakRssMb = r.peakRssMb;
  log(
    `DuckDB ${duck.version}: loaded ${duck.events} events in ${duck.loadSeconds.toFixed(1)} s (${duck.loadCpuSeconds.toFixed(1)} s CPU, ${duck.threads} threads), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
}

function pairsTable(): string {
  const header =
    "| store | route | DuckDB question | orgtrail median (ms) | DuckDB median (ms) | DuckDB CPU median (ms) | ratio DuckDB / orgtrail | goal ≥ 5× | same answer? |\n|---|---|---|---:|---:|---:|---:|---|---|";
  const body = checks.map(({ latency: l, check }) => {
    const d = duck!.questions.find((q) => q.id === l.question.id)!;
    const ratio = d.median / l.median;
    return `| ${l.store} | \`${l.route}\` | ${describeQuestion(l.question)} | ${l.median.toFixed(1)} | ${d.median.toFixed(1)} | ${d.cpuMedian.toFixed(0)} | ${ratio.toFixed(1)}× | ${ratio >= 5 ? "met" : "**missed**"} | ${check.ok ? "MATCH" : "**DIFF**"}: ${check.detail} |`;
  });
  return [header, ...body].join("\n");
}

function describeQuestion(q: DuckQuestion): string {
  if (q.kind === "explorer") return describeExplorer(q);
  const at = q.asOf === asOf ? "" : ` (asOf ${q.asOf})`;
  if (q.kind === "users") return `last active + active days per user${at}`;
  if (q.kind === "activity") return `distinct active users + daily series, ${q.period}${at}`;
  return `distinct active users, weekly active, top 10 by active days, ${q.range} days${at}`;
}

/**
 * Ingest and import into the store (unless measuring a given one), then the server phases; last,
 * with a later batch, the dashboard while it is ingested (which adds its events to the store).
 */
async function measureStore(
  label: string,
  databaseUrl: string,
  input: { events: string; usersCsv: string | null } | null,
  later: { file: string; batch: LaterBatch } | null = null,
): Promise<void> {
  if (input && phases.has("ingest")) {
    await ingest(label, databaseUrl, input.events);
    if (input.usersCsv) await importUsers(label, databaseUrl, input.usersCsv);
    await checkpoint(label, databaseUrl);
  }
  if (!phases.has("stream") && !phases.has("dashboard") && !phases.has("explorer") && !later) return;
  // The SQLite file outlives the run (`--only dashboard` measures it again): keep it as loaded.
  const restore = later && databaseUrl.startsWith("file:") ? setAsideSqlite(databaseUrl.slice("file:".length)) : null;
  try {
    await withServer(databaseUrl, async (server) => {
      // The explorer's index builds in the background from the start: wait for it first, so the
      // other phases are not measured while it builds.
      if (phases.has("explorer")) await explorerIndexReady(label, server);
      if (phases.has("stream")) await streamAll(label, server);
      if (phases.has("dashboard")) await dashboard(label, server);
      if (phases.has("explorer")) await explorer(label, server);
      if (later) await duringIngest(label, databaseUrl, server, later);
    });
  } finally {
    restore?.();
  }
}

/** Copies the SQLite store (closed: its CLI runs are over) aside; the returned function puts it back. */
function setAsideSqlite(file: string): () => void {
  const started = performance.now();
  const aside = `${file}.loaded`;
  const parts = ["", "-wal"].filter((suffix) => existsSync(file + suffix));
  for (const suffix of parts) copyFileSync(file + suffix, aside + suffix);
  log(`SQLite: copied the loaded store aside in ${((performance.now() - started) / 1000).toFixed(1)} s (put back after the ingest of later events)`);
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    for (const suffix of parts) renameSync(aside + suffix, file + suffix);
  };
}

const duringIngestResults: DuringIngestResult[] = [];

/**
 * The dashboard routes of the "Dashboard routes" table, one at a time, round robin, while
 * `orgtrail ingest` adds the later batch to the store the server serves: from when the CLI opens
 * its input (its start-up is not ingest) until it exits.
 */
async function duringIngest(label: string, databaseUrl: string, server: Server, later: { file: string; batch: LaterBatch }): Promise<void> {
  cpuChecks.push(cpuCalibrationMs());
  const { batch } = later;
  log(
    `${label}: dashboard routes while \`orgtrail ingest\` adds ${batch.events.toLocaleString("en")} events of ${batch.startDate}…${batch.endDate}; CPU check ${cpuChecks[cpuChecks.length - 1]!.toFixed(0)} ms`,
  );
  let cliPid = 0;
  const input = realpathSync(later.file);
  const env = {
    ...baseEnv,
    ORGTRAIL_DATABASE_URL: databaseUrl,
    ORGTRAIL_EVENTS_MAX_FUTURE_HOURS: String(futureHoursFor(batch.endDate, Date.now())),
  };
  const run = runMeasured([cli, "ingest", later.file], env, (pid) => (cliPid = pid));
  // Until the CLI reads its input (or is already done), no request is sent.
  let exited = false;
  let exitedAt = 0;
  const onExit = () => {
    exited = true;
    exitedAt = performance.now();
  };
  run.then(onExit, onExit);
  while (!exited && !(cliPid && hasOpen(cliPid, input))) await new Promise((r) => setTimeout(r, 10));
  const reading = performance.now();
  const headers = { ...server.auth, "Accept-Encoding": "gzip, deflate, br" };
  const routes = variants.map(([route, path]) => [route, path] as const);
  const { samples, failures } = await readRoutesUntil(`http://127.0.0.1:${server.port}`, headers, routes, run);
  const r = await run;
  const seconds = (exitedAt - reading) / 1000;
  const accepted = /accepted (\d+)/.exec(r.stdout);
  if (!accepted || /rejected [1-9]/.test(r.stdout)) throw new Error(`${label}: the ingest of later events: ${r.stdout.trim()}`);
  const result: DuringIngestResult = {
    store: label,
    summary: summarize(samples),
    failures,
    events: Number(accepted[1]),
    seconds,
    cpuSeconds: r.cpuSeconds,
    peakRssMb: r.peakRssMb,
  };
  duringIngestResults.push(result);
  const s = result.summary;
  log(
    `${label}: ${r.stdout.trim()} in ${seconds.toFixed(1)} s after it opened its input (${r.seconds.toFixed(1)} s in all); meanwhile ${s.requests} requests: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; worst ${s.worst?.route} p99 ${s.worst?.p99.toFixed(1)} ms`,
  );
  for (const x of s.routes) log(`${label}:   ${x.route}: ${x.requests} requests, median ${x.p50.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`);
  for (const f of failures) log(`${label}: failed while ingesting: ${f}`);
}

/** The later batch of the generated organization: the same seed and users, on the days after --end. */
function generateLater(): { file: string; batch: LaterBatch } {
  const batch = laterBatch({ events, days: 730, endDate: values.end! }, laterEvents);
  const file = join(benchDir, `later-${batch.events}-${users}-${seed}-${batch.startDate}-${batch.days}.ndjson`);
  if (existsSync(file)) return { file, batch };
  log(`generating the later batch: ${batch.events} events for ${users} users on ${batch.startDate}…${batch.endDate} (seed ${seed})...`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx/esm",
      join(root, "scripts/generate.ts"),
      ...["--events", String(batch.events), "--users", String(users), "--days", String(batch.days)],
      ...["--end", batch.endDate, "--seed", String(seed), "--out", `${file}.part`],
    ],
    { cwd: root, stdio: "inherit", env: baseEnv },
  );
  if (r.status !== 0) throw new Error("generation of the later batch failed");
  renameSync(`${file}.part`, file);
  return { file, batch };
}

const explorerBuilds: string[] = [];

function vmRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Waits until the explorer answers (its index built) and records how long it took and what it holds. */
async function explorerIndexReady(label: string, server: Server): Promise<void> {
  const started = performance.now();
  const cpu0 = groupCpuSeconds(server.pid);
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/events?limit=1`, { headers: server.auth });
    const text = await res.text();
    if (res.ok) break;
    if (res.status !== 503) throw new Error(`/api/v1/events: HTTP ${res.status} ${text.slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  const log0 = readFileSync(join(benchDir, `server-${server.port}.log`), "utf8");
  const built = [...log0.matchAll(/explorer index of organization \d+: ([^\n]+)/g)].map((m) => m[1]).pop() ?? "";
  const line = `${label}: explorer index ready ${seconds.toFixed(1)} s after the server answered (server ${(groupCpuSeconds(server.pid) - cpu0).toFixed(1)} s CPU meanwhile); ${built}; server RSS now ${vmRssMb(server.pid).toFixed(0)} MB`;
  log(line);
  explorerBuilds.push(line);
}

interface ExplorerLatency {
  store: string;
  question: ExplorerQuestion;
  body: string;
  median: number;
  p95: number;
  detail: string;
}
const explorerLatencies: ExplorerLatency[] = [];

/** Each explorer question over HTTP, `warmup` unmeasured requests then `runs` measured ones. */
async function explorer(label: string, { port, auth }: Server): Promise<void> {
  cpuChecks.push(cpuCalibrationMs());
  log(`${label}: explorer questions; CPU check ${cpuChecks[cpuChecks.length - 1]!.toFixed(0)} ms (~10 ms idle)`);
  for (const x of explorerVariants) {
    const samples: number[] = [];
    let first = "";
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}${explorerPath(x)}`, { headers: auth });
      const body = await res.text();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`${explorerPath(x)}: HTTP ${res.status} ${body.slice(0, 200)}`);
      if (i >= warmup) samples.push(ms);
      if (i === 0) first = body;
    }
    samples.sort((a, b) => a - b);
    const json = JSON.parse(first) as { total?: number; values?: unknown[]; days?: unknown[] };
    const detail =
      json.total !== undefined ? `${json.total.toLocaleString("en")} matches` : json.values ? `${json.values.length} values` : `${json.days?.length ?? 0} days`;
    const l: ExplorerLatency = { store: label, question: x, body: first, median: percentile(samples, 0.5), p95: percentile(samples, 0.95), detail };
    explorerLatencies.push(l);
    log(`${label}: explorer ${x.id} \`${x.q}\`: median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms (${detail})`);
  }
}

function explorerTable(): string {
  const header =
    "| store | question | orgtrail median (ms) | p95 (ms) | goal | DuckDB median (ms) | ratio DuckDB / orgtrail | goal ≥ 5× | same answer? |\n|---|---|---:|---:|---|---:|---:|---|---|";
  const body = explorerLatencies.map((l) => {
    const d = duck?.questions.find((q) => q.id === l.question.id);
    const check = d ? crossCheck("explorer", l.body, d.answer) : null;
    const ratio = d ? d.median / l.median : null;
    const goal = `< ${l.question.goalMs.toLocaleString("en")} ms: ${l.median < l.question.goalMs ? "met" : "**missed**"}`;
    if (check && !check.ok) explorerDiffs.push(`${l.store} ${l.question.id}`);
    return `| ${l.store} | ${describeExplorer(l.question)} (${l.detail}) | ${l.median.toFixed(1)} | ${l.p95.toFixed(1)} | ${goal} | ${d ? d.median.toFixed(1) : ""} | ${ratio === null ? "" : `${ratio.toFixed(1)}×`} | ${ratio === null ? "" : ratio >= 5 ? "met" : "**missed**"} | ${check ? `${check.ok ? "MATCH" : "**DIFF**"}: ${check.detail}` : ""} |`;
  });
  return [header, ...body].join("\n");
}
const explorerDiffs: string[] = [];

/** A fixed amount of CPU work, timed: how busy the machine was (the median of five). */
function cpuCalibrationMs(): number {
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    let x = 0;
    for (let i = 0; i < 1e7; i++) x = (x + i) | 0;
    samples.push(performance.now() - started + (x === 0.5 ? 1 : 0));
  }
  return samples.sort((a, b) => a - b)[2]!;
}

function machineDescription(loadBefore: number[]): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" ");
  const cores = cpus();
  return [
    `${cores.length} × ${cores[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}${duck ? `, DuckDB ${duck.version} (${duck.threads} threads)` : ""}`,
    `load average (1, 5, 15 min) ${load(loadBefore)} at the start, ${load(loadavg())} at the end`,
    `CPU check (10^7-step integer loop, ~10 ms on an idle core): ${cpuChecks.map((c) => c.toFixed(0)).join(", ")} ms`,
  ].join("; ");
}

const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

/** Replaces what lies between the bench markers of docs/PERFORMANCE.md, and nothing else. */
function writeDoc(text: string): void {
  const file = join(root, "docs", "PERFORMANCE.md");
  const doc = readFileSync(file, "utf8");
  const b = doc.indexOf(BEGIN);
  const e = doc.indexOf(END);
  if (b < 0 || e < b) throw new Error(`docs/PERFORMANCE.md: the markers ${BEGIN} … ${END} are missing`);
  writeFileSync(file, doc.slice(0, b + BEGIN.length) + "\n" + text + "\n" + doc.slice(e));
  log("wrote docs/PERFORMANCE.md (between the bench markers)");
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  cpuChecks.push(cpuCalibrationMs());
  // ORGTRAIL_DIST_DIR (next.config.ts) selects a private build, for `next start` too.
  if (!existsSync(join(root, process.env.ORGTRAIL_DIST_DIR || ".next", "BUILD_ID")))
    spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: baseEnv });
  // The CLI as an admin runs it: compiled ahead of time (bin/orgtrail.mjs falls back to tsx if not).
  spawnSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), "--if-stale"], { cwd: root, stdio: "inherit", env: baseEnv });
  let inputLine: string;
  if (values.store) {
    const label = /^postgres(ql)?:/i.test(values.store) ? "PostgreSQL" : "SQLite";
    inputLine = `Store: ${label}, already ingested (${values.store.replace(/\/\/[^@/]*@/, "//")})${values.file ? `; DuckDB loads ${values.file}` : ""}`;
    if (values.file && phases.has("duckdb")) await duckdb(values.file);
    if (phases.has("during-ingest")) log("the dashboard during an ingest is not measured on a given --store (it would add events to it)");
    await measureStore(label, values.store, null);
  } else {
    const input = values.input ? { events: values.input, usersCsv: values["users-csv"] ?? null } : generate();
    const size = `${(statSync(input.events).size / 1e6).toFixed(0)} MB`;
    log(`input: ${input.events} (${size}), directory ${input.usersCsv ?? "none"}`);
    inputLine = values.input
      ? `Input: ${values.input} (${size}, given with --input), directory ${input.usersCsv ?? "none"}, asOf ${asOf} (past asOf ${past})`
      : `Input: ${events.toLocaleString("en")} events, ${users.toLocaleString("en")} users, seed ${seed} (\`scripts/generate.ts --days 730 --end ${values.end}\`), asOf ${asOf} (past asOf ${past})`;
    if (phases.has("explorer")) explorerVariants = await explorerQuestions(input.events, values.end!);
    if (phases.has("duckdb")) await duckdb(input.events);
    // The later batch continues the generated organization; an --input log has no generator to continue it.
    if (phases.has("during-ingest") && values.input) log("the dashboard during an ingest is measured on generated data only, not with --input");
    const later = phases.has("during-ingest") && !values.input ? generateLater() : null;
    if (!values["no-sqlite"]) {
      const sqliteFile = join(benchDir, "bench.db");
      // (`.loaded`: the copy a run that stopped midway left aside, see setAsideSqlite.)
      if (phases.has("ingest")) for (const suffix of ["", "-wal", "-shm", ".loaded", ".loaded-wal"]) rmSync(sqliteFile + suffix, { force: true });
      await measureStore("SQLite", `file:${sqliteFile}`, input, later);
    }
    if (!values["no-pg"]) {
      const cluster = await startPostgres();
      try {
        const url = await cluster.createDatabase("orgtrail_bench");
        await measureStore("PostgreSQL", url, input, later);
      } finally {
        await cluster.stop();
      }
    }
  }
  cpuChecks.push(cpuCalibrationMs());
  if (duck)
    for (const latency of latencies)
      checks.push({ latency, check: crossCheck(latency.route, latency.body, duck.questions.find((q) => q.id === latency.question.id)!.answer) });
  let out = `Machine: ${machineDescription(loadBefore)}\n\n${inputLine}\n`;
  if (duck) {
    const d: DuckResult = duck;
    rows.unshift({
      what: "DuckDB load (`CREATE TABLE … FROM read_ndjson`)",
      events: d.events,
      seconds: d.loadSeconds,
      cpuSeconds: d.loadCpuSeconds,
      peakRssMb: d.peakRssAfterLoadMb,
    });
    out += `\nDuckDB process peak RSS (load and every question): ${duckPeakRssMb.toFixed(0)} MB.\n`;
  }
  if (rows.length > 0) out += `\n${table()}\n`;
  if (checks.length > 0)
    out += `\nSide by side (orgtrail: ${runs} requests each after ${warmup} warm-ups over HTTP, time to the last byte; DuckDB: ${duckRuns} runs after 1 warm-up over its loaded table, in-process; medians):\n\n${pairsTable()}\n`;
  if (latencies.length > 0) out += `\nDashboard routes (${runs} requests each after ${warmup} warm-ups, one at a time):\n\n${latencyTable()}\n`;
  if (duringIngestResults.length > 0) {
    const b = laterBatch({ events, days: 730, endDate: values.end! }, laterEvents);
    out += `\nDashboard routes while a CLI ingest runs (issue 14: p99 < 200 ms): last on each store, \`orgtrail ingest\` adds a later batch of the same organization (${b.events.toLocaleString("en")} events, seed ${seed}, ${users.toLocaleString("en")} users, the ${b.days} days ${b.startDate}…${b.endDate}) to the store the server serves, and meanwhile the routes of the table above are asked one at a time, round robin, from when the CLI opens its input until it exits (time to the last byte; the ingest's events/s over the same span). Failed answers are counted apart and make the bench exit 1:\n\n${duringIngestTable(duringIngestResults)}\n`;
  }
  if (explorerLatencies.length > 0) {
    out += `\nExplorer (${runs} requests each after ${warmup} warm-ups over HTTP, time to the last byte; DuckDB: the same filter as SQL over its loaded table, ${duckRuns} runs; medians):\n\n${explorerBuilds.map((b) => `- ${b}`).join("\n")}\n\n${explorerTable()}\n`;
  }
  process.stdout.write(`\n${out}`);
  if (!smoke && !values["no-write"])
    writeDoc(`_Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 16)}Z; do not edit between the markers._\n\n${out}`);
  const diffs = checks.filter((c) => !c.check.ok);
  const failedDuringIngest = duringIngestResults.filter((r) => r.failures.length > 0);
  if (failedDuringIngest.length > 0) {
    log(`requests failed while ingesting: ${failedDuringIngest.map((r) => `${r.store} ${r.failures.length}`).join("; ")}`);
    process.exitCode = 1;
  }
  if (explorerDiffs.length > 0) {
    log(`${explorerDiffs.length} explorer answers differ from DuckDB's: ${explorerDiffs.join("; ")}`);
    process.exitCode = 1;
  }
  if (diffs.length > 0) {
    log(`${diffs.length} answers differ from DuckDB's: ${diffs.map((d) => `${d.latency.store} ${d.latency.route}`).join("; ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
