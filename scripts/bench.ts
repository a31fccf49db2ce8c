// `npm run bench`: generates an organization from a seed, then measures ingest (CLI, SQLite and
// PostgreSQL), the users import, /admin/audit_logs streaming and the dashboard routes from the
// built server, with peak RSS of each.
//   npm run bench -- [--events 1000000] [--users N] [--seed 42] [--no-pg] [--no-sqlite]
//     [--only ingest,stream,dashboard] [--runs 30] [--warmup 3]
//     [--store file:/path.db|postgres://...]  (measure an already ingested store: no generation or ingest)
// Results go to stdout as Markdown tables for docs/PERFORMANCE.md.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateDirectory, usersCsv, type GenerateOptions } from "../lib/demo/generate";
import { freePort, startPostgres } from "../tests/support/postgres";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "bin", "orgtrail.mjs");
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");
const benchDir = join(root, ".bench");
const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ORGTRAIL_DEMO: "0" };

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    users: { type: "string" },
    seed: { type: "string", default: "42" },
    end: { type: "string", default: "2026-11-25" },
    "no-pg": { type: "boolean", default: false },
    "no-sqlite": { type: "boolean", default: false },
    only: { type: "string", default: "ingest,stream,dashboard" },
    runs: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    store: { type: "string" },
  },
});
const phases = new Set(values.only!.split(",").map((p) => p.trim()));
for (const p of phases) if (!["ingest", "stream", "dashboard"].includes(p)) throw new Error(`--only: unknown phase ${p} (ingest, stream, dashboard)`);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const events = Number(values.events);
const users = Number(values.users ?? Math.max(100, Math.round(events / 500)));
const seed = Number(values.seed);

interface Row {
  what: string;
  events: number;
  seconds: number;
  peakRssMb: number;
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
  const r = spawnSync(process.execPath, ["--import", "tsx/esm", join(root, "scripts/generate.ts"), "--events", String(events), "--users", String(users), "--days", "730", "--end", values.end!, "--seed", String(seed), "--out", file, "--users-csv", csv], { cwd: root, stdio: "inherit", env: baseEnv });
  if (r.status !== 0) throw new Error("generation failed");
  return { events: file, usersCsv: csv };
}

function generateOptions(): GenerateOptions {
  return { seed, users, events, days: 730, endDate: values.end! };
}

/** Runs a command, sampling its peak RSS (VmHWM) from /proc until it exits. */
function runMeasured(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    let peak = 0;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const timer = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid))), 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code !== 0 && code !== 1) return reject(new Error(`${args.join(" ")} exited ${code}`));
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: peak, stdout });
    });
  });
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

async function ingest(label: string, databaseUrl: string, file: string): Promise<void> {
  log(`${label}: orgtrail ingest...`);
  const r = await runMeasured([cli, "ingest", file], { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl });
  log(`${label}: ${r.stdout.trim()} in ${r.seconds.toFixed(1)} s`);
  rows.push({ what: `ingest (CLI) → ${label}`, events, seconds: r.seconds, peakRssMb: r.peakRssMb });
}

async function importUsers(label: string, databaseUrl: string, csv: string): Promise<void> {
  log(`${label}: orgtrail import-users...`);
  const r = await runMeasured([cli, "import-users", csv], { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl });
  log(`${label}: ${r.stdout.trim()} in ${r.seconds.toFixed(1)} s`);
}

interface Server {
  port: number;
  pid: number | undefined;
  auth: Record<string, string>;
}

/** Starts the built server on the store with a fresh admin account; stops it (and its children) after. */
async function withServer(databaseUrl: string, fn: (server: Server) => Promise<void>): Promise<void> {
  const key = spawnSync(process.execPath, [cli, "admin", "create", "bench"], { cwd: root, env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl }, encoding: "utf8" }).stdout.trim();
  const port = await freePort();
  const server = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl }, stdio: "ignore", detached: true });
  try {
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await fn({ port, pid: server.pid, auth: { Authorization: `Basic ${Buffer.from(`bench:${key}`).toString("base64")}` } });
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

async function streamAll(label: string, { port, pid, auth }: Server): Promise<void> {
  for (const [name, query] of [["30-day window", `startDate=${values.end}&numDays=29`], ["all-time window", `startDate=${values.end}&numDays=800`]] as const) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/admin/audit_logs?${query}`, { headers: auth });
    let lines = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    log(`${label}: /admin/audit_logs ${name}: ${lines} events in ${seconds.toFixed(2)} s`);
    rows.push({ what: `/admin/audit_logs ${name} ← ${label}`, events: lines, seconds, peakRssMb: vmHwmMb(pid) });
  }
}

interface Latency {
  store: string;
  route: string;
  median: number;
  p95: number;
  min: number;
  max: number;
  bytes: number;
  detail: string;
}
const latencies: Latency[] = [];

function percentile(sorted: number[], p: number): number {
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Each dashboard route and variant, `warmup` unmeasured requests then `runs` measured ones,
 * one at a time; a sample is the time to the last byte of the body (as a browser sends it:
 * compression accepted).
 */
async function dashboard(label: string, { port, auth }: Server): Promise<void> {
  const past = new Date(Date.parse(`${values.end!}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
  const variants: [string, string][] = [
    ["/api/v1/users", "/api/v1/users"],
    ["/api/v1/users/export.csv", "/api/v1/users/export.csv"],
    ...(["30d", "3m", "6m", "12m", "all"] as const).map((p): [string, string] => [`/api/v1/activity?period=${p}`, `/api/v1/activity?period=${p}`]),
    ...(["7", "30", "90"] as const).map((r): [string, string] => [`/api/v1/activity/panel?range=${r}`, `/api/v1/activity/panel?range=${r}`]),
    // asOf a year back: users active since then are counted from user_day, not the summary.
    [`/api/v1/users (asOf ${past})`, `/api/v1/users?asOf=${past}`],
    [`/api/v1/activity?period=3m (asOf ${past})`, `/api/v1/activity?period=3m&asOf=${past}`],
    [`/api/v1/activity/panel?range=90 (asOf ${past})`, `/api/v1/activity/panel?range=90&asOf=${past}`],
  ];
  log(`${label}: dashboard routes; CPU check ${cpuCalibrationMs().toFixed(0)} ms (~10 ms idle)`);
  const headers = { ...auth, "Accept-Encoding": "gzip, deflate, br" };
  for (const [route, path] of variants) {
    const samples: number[] = [];
    let bytes = 0;
    let detail = "";
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      const body = await res.text();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      if (i >= warmup) samples.push(ms);
      bytes = body.length;
      if (i === 0) detail = describe(path, body);
    }
    samples.sort((a, b) => a - b);
    const l: Latency = { store: label, route, median: percentile(samples, 0.5), p95: percentile(samples, 0.95), min: samples[0]!, max: samples[samples.length - 1]!, bytes, detail };
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
  const body = latencies.map((l) => `| ${l.store} | \`${l.route}\` | ${l.median.toFixed(1)} | ${l.p95.toFixed(1)} | ${l.min.toFixed(1)} | ${l.max.toFixed(1)} | ${l.detail}, ${(l.bytes / 1024).toFixed(0)} KiB |`);
  return [header, ...body].join("\n");
}

function table(): string {
  const header = "| measurement | events | seconds | events/s | peak RSS (MB) |\n|---|---:|---:|---:|---:|";
  const body = rows.map((r) => `| ${r.what} | ${r.events.toLocaleString("en")} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds).toLocaleString("en")} | ${r.peakRssMb.toFixed(0)} |`);
  return [header, ...body].join("\n");
}

/** Ingest and import into the store (unless measuring a given one), then the server phases. */
async function measureStore(label: string, databaseUrl: string, input: { events: string; usersCsv: string } | null): Promise<void> {
  if (input && phases.has("ingest")) {
    await ingest(label, databaseUrl, input.events);
    await importUsers(label, databaseUrl, input.usersCsv);
  }
  if (!phases.has("stream") && !phases.has("dashboard")) return;
  await withServer(databaseUrl, async (server) => {
    if (phases.has("stream")) await streamAll(label, server);
    if (phases.has("dashboard")) await dashboard(label, server);
  });
}

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

async function main(): Promise<void> {
  // ORGTRAIL_DIST_DIR (next.config.ts) selects a private build, for `next start` too.
  if (!existsSync(join(root, process.env.ORGTRAIL_DIST_DIR || ".next", "BUILD_ID"))) spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: baseEnv });
  let inputLine: string;
  if (values.store) {
    const label = /^postgres(ql)?:/i.test(values.store) ? "PostgreSQL" : "SQLite";
    inputLine = `Store: ${label}, already ingested (${values.store.replace(/\/\/[^@/]*@/, "//")})`;
    await measureStore(label, values.store, null);
  } else {
    const input = generate();
    log(`input: ${input.events} (${(statSync(input.events).size / 1e6).toFixed(0)} MB), directory ${input.usersCsv}`);
    inputLine = `Input: ${events.toLocaleString("en")} events, ${users.toLocaleString("en")} users, seed ${seed}`;
    if (!values["no-sqlite"]) {
      const sqliteFile = join(benchDir, "bench.db");
      if (phases.has("ingest")) for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
      await measureStore("SQLite", `file:${sqliteFile}`, input);
    }
    if (!values["no-pg"]) {
      const cluster = await startPostgres();
      try {
        const url = await cluster.createDatabase("orgtrail_bench");
        await measureStore("PostgreSQL", url, input);
      } finally {
        await cluster.stop();
      }
    }
  }
  const calibration = cpuCalibrationMs();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`;
  let out = `Machine: ${machine}; CPU check (10^7-step integer loop, ~10 ms on an idle core): ${calibration.toFixed(0)} ms\n${inputLine}\n`;
  if (rows.length > 0) out += `\n${table()}\n`;
  if (latencies.length > 0) out += `\nDashboard routes (${runs} requests each after ${warmup} warm-ups, one at a time):\n\n${latencyTable()}\n`;
  process.stdout.write(`\n${out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
