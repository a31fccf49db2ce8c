// `npm run bench`: generates an organization from a seed, then measures ingest (CLI, SQLite and
// PostgreSQL) and /admin/audit_logs streaming from the built server, with peak RSS of each.
//   npm run bench -- [--events 1000000] [--users N] [--seed 42] [--no-pg]
// Results go to stdout as a Markdown table for docs/PERFORMANCE.md.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
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
  },
});
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

function generate(): string {
  mkdirSync(benchDir, { recursive: true });
  const file = join(benchDir, `events-${events}-${users}-${seed}.ndjson`);
  if (existsSync(file)) return file;
  log(`generating ${events} events for ${users} users (seed ${seed})...`);
  const r = spawnSync(process.execPath, ["--import", "tsx/esm", join(root, "scripts/generate.ts"), "--events", String(events), "--users", String(users), "--days", "730", "--end", values.end!, "--seed", String(seed), "--out", file], { cwd: root, stdio: "inherit", env: baseEnv });
  if (r.status !== 0) throw new Error("generation failed");
  return file;
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

async function streamAll(label: string, databaseUrl: string): Promise<void> {
  const key = spawnSync(process.execPath, [cli, "admin", "create", "bench"], { cwd: root, env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl }, encoding: "utf8" }).stdout.trim();
  const port = await freePort();
  const server = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env: { ...baseEnv, ORGTRAIL_DATABASE_URL: databaseUrl }, stdio: "ignore", detached: true });
  try {
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const auth = { Authorization: `Basic ${Buffer.from(`bench:${key}`).toString("base64")}` };
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
      rows.push({ what: `/admin/audit_logs ${name} ← ${label}`, events: lines, seconds, peakRssMb: vmHwmMb(server.pid) });
    }
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

function table(): string {
  const header = "| measurement | events | seconds | events/s | peak RSS (MB) |\n|---|---:|---:|---:|---:|";
  const body = rows.map((r) => `| ${r.what} | ${r.events.toLocaleString("en")} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds).toLocaleString("en")} | ${r.peakRssMb.toFixed(0)} |`);
  return [header, ...body].join("\n");
}

async function main(): Promise<void> {
  const file = generate();
  log(`input: ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  if (!existsSync(join(root, ".next", "BUILD_ID"))) spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: baseEnv });

  const sqliteFile = join(benchDir, "bench.db");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
  await ingest("SQLite", `file:${sqliteFile}`, file);
  await streamAll("SQLite", `file:${sqliteFile}`);

  if (!values["no-pg"]) {
    const cluster = await startPostgres();
    try {
      const url = await cluster.createDatabase("orgtrail_bench");
      await ingest("PostgreSQL", url, file);
      await streamAll("PostgreSQL", url);
    } finally {
      await cluster.stop();
    }
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const out = `Machine: ${machine}\nInput: ${events.toLocaleString("en")} events, ${users.toLocaleString("en")} users, seed ${seed}\n\n${table()}\n`;
  process.stdout.write(`\n${out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
