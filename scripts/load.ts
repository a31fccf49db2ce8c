// `npm run load`: a bounded load test on loopback. Generates an organization from a seed, ingests
// its history into a temp store, starts the built server, then for each scenario runs autocannon
// (a mix of dashboard routes; /admin/audit_logs?numDays=30) WHILE events of the organization held
// back from the history are ingested (POST /api/v1/ingest in a loop and `orgtrail ingest -` on stdin).
// Reports requests/s, latency p50/p99/max, non-2xx, errors and the ingest rate meanwhile, as
// Markdown; exits 1 if any request failed or answered non-2xx, or an ingested line went missing.
//   npm run load -- [--events 200000] [--users 2000] [--live 300000] [--duration 20]
//     [--connections 4] [--scenarios dashboard,audit] [--ingest http,cli] [--batch 1000]
//     [--seed 42] [--days 730] [--end YYYY-MM-DD] [--pg] [--no-sqlite] [--keep]
// ORGTRAIL_DIST_DIR selects a private build (as for `next start`); build first.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  AUDIT_LOGS,
  BatchQueue,
  countStoredEvents,
  DASHBOARD_MIX,
  processCpuSeconds,
  routeTable,
  runScenario,
  scenarioProblems,
  scenarioTable,
  writeLoadData,
  type LoadData,
  type LoadRoute,
  type ScenarioResult,
} from "../tests/support/load";
import { startPostgres } from "../tests/support/postgres";
import { runCli, startServer } from "../tests/support/server";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "200000" },
    users: { type: "string", default: "2000" },
    live: { type: "string", default: "300000" },
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "4" },
    timeout: { type: "string", default: "10" },
    scenarios: { type: "string", default: "dashboard,audit" },
    ingest: { type: "string", default: "http,cli" },
    batch: { type: "string", default: "1000" },
    seed: { type: "string", default: "42" },
    days: { type: "string", default: "730" },
    end: { type: "string", default: new Date().toISOString().slice(0, 10) },
    pg: { type: "boolean", default: false },
    "no-sqlite": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
  strict: true,
});

function intOption(name: keyof typeof values, min: number): number {
  const n = Number(values[name]);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${String(values[name])}`);
  return n;
}

const SCENARIOS: Record<string, { name: string; routes: LoadRoute[] }> = {
  dashboard: { name: "dashboard mix", routes: DASHBOARD_MIX },
  audit: { name: "/admin/audit_logs?numDays=30", routes: AUDIT_LOGS },
};
const scenarios = values.scenarios!.split(",").map((s) => {
  const scenario = SCENARIOS[s.trim()];
  if (!scenario) throw new Error(`--scenarios: unknown ${s} (dashboard, audit)`);
  return scenario;
});
const ingestModes = new Set(
  values
    .ingest!.split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "" && m !== "none"),
);
for (const m of ingestModes) if (m !== "http" && m !== "cli") throw new Error(`--ingest: unknown ${m} (http, cli, none)`);
const history = intOption("events", 0);
const live = intOption("live", 0);
const users = intOption("users", 1);
const duration = intOption("duration", 1);
const connections = intOption("connections", 1);
const timeout = intOption("timeout", 1);
const batchLines = intOption("batch", 1);

const log = (m: string) => process.stderr.write(`load: ${m}\n`);

interface StoreRun {
  store: string;
  seedSeconds: number;
  answers: string[];
  results: { store: string; result: ScenarioResult; usage: string }[];
  problems: string[];
}

/** The process group of whatever listens on the port (`next start` renames itself: not found by name). */
function listenerGroup(port: number): number | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(hexPort) && f[3] === "0A" && f[9]) inodes.add(f[9]); // 0A: LISTEN
    }
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) {
          const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
        }
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

/** CPU seconds of every live process in a process group (the server and its workers). */
function groupCpuSeconds(pgid: number | undefined): number {
  if (pgid === undefined) return 0;
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid) total += processCpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine (every session's work, not only ours). */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** Samples the 1-minute load average every second while a scenario runs. */
function loadSampler(): () => string {
  const samples = [loadavg()[0]!];
  const timer = setInterval(() => samples.push(loadavg()[0]!), 1000);
  return () => {
    clearInterval(timer);
    samples.push(loadavg()[0]!);
    return `${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)}`;
  };
}

/** GETs each route once: a wrong key or an empty store shows here, before any load. */
async function preflight(baseUrl: string, auth: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  for (const route of scenarios.flatMap((s) => s.routes)) {
    const res = await fetch(`${baseUrl}${route.path}`, { headers: auth });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`preflight ${route.path}: HTTP ${res.status} ${body.slice(0, 300)}`);
    const what = route.path.startsWith("/admin/audit_logs") ? `${body.split("\n").filter(Boolean).length.toLocaleString("en")} events, ` : "";
    lines.push(`\`${route.path}\`: ${what}${(body.length / 1024).toFixed(0)} KiB uncompressed`);
  }
  return lines;
}

async function runStore(store: string, databaseUrl: string, data: LoadData): Promise<StoreRun> {
  const run: StoreRun = { store, seedSeconds: 0, answers: [], results: [], problems: [] };
  log(`${store}: ingesting the history (${data.historyEvents.toLocaleString("en")} events)...`);
  const started = performance.now();
  const seeded = await runCli(["ingest", data.eventsFile], { databaseUrl, timeoutMs: 3 * 3600_000 });
  run.seedSeconds = (performance.now() - started) / 1000;
  if (seeded.code !== 0) throw new Error(`orgtrail ingest exited ${seeded.code}: ${seeded.stdout}${seeded.stderr.slice(-2000)}`);
  log(`${store}: ${seeded.stdout.trim()} in ${run.seedSeconds.toFixed(1)} s`);
  const imported = await runCli(["import-users", data.usersCsvFile], { databaseUrl, timeoutMs: 600_000 });
  if (imported.code !== 0) throw new Error(`orgtrail import-users exited ${imported.code}: ${imported.stderr.slice(-2000)}`);
  const key = (await runCli(["admin", "create", "load"], { databaseUrl })).stdout.trim();
  const auth = { Authorization: `Basic ${Buffer.from(`load:${key}`).toString("base64")}` };

  const server = await startServer({ databaseUrl, timeoutMs: 180_000 });
  try {
    const pid = listenerGroup(server.port);
    if (pid === undefined) log(`${store}: server process not found in /proc: its CPU is not reported`);
    run.answers = await preflight(server.baseUrl, auth);
    // Each scenario its share of the held-back batches (every n-th: all days), taken by both
    // feeders from one queue, so the faster one takes more.
    const queues = scenarios.map((_s, k) => new BatchQueue(data.batches.filter((_b, i) => i % scenarios.length === k)));
    let expected = await countStoredEvents(databaseUrl);
    for (const [k, scenario] of scenarios.entries()) {
      const queue = queues[k]!;
      log(
        `${store}: ${scenario.name}, ${connections} connections for ${duration} s, ingest ${[...ingestModes].join("+") || "none"} (${queue.remaining} batches)...`,
      );
      const serverCpu = groupCpuSeconds(pid);
      const machine = machineJiffies();
      const loadRange = loadSampler();
      const result = await runScenario({
        name: scenario.name,
        routes: scenario.routes,
        baseUrl: server.baseUrl,
        auth,
        durationSeconds: duration,
        connections,
        timeoutSeconds: timeout,
        ingest: {
          ...(ingestModes.has("http") ? { http: { queue } } : {}),
          ...(ingestModes.has("cli") ? { cli: { queue, databaseUrl } } : {}),
        },
      });
      const after = machineJiffies();
      const busyCores = ((after.busy - machine.busy) / Math.max(1, after.total - machine.total)) * cpus().length;
      const cli = result.ingest.find((i) => i.mode === "CLI");
      const usage =
        `server ${(groupCpuSeconds(pid) - serverCpu).toFixed(1)} s CPU, load generator ${result.loadGeneratorCpuSeconds.toFixed(1)} s` +
        (cli ? `, ingest CLI ${cli.cpuSeconds?.toFixed(1)} s` : "") +
        `; machine busy ${busyCores.toFixed(2)} of ${cpus().length} cores (all sessions), load average ${loadRange()}`;
      run.results.push({ store, result, usage });
      const problems = scenarioProblems(result);
      expected += result.ingest.reduce((a, i) => a + i.accepted, 0);
      const stored = await countStoredEvents(databaseUrl);
      if (stored !== expected) problems.push(`${scenario.name}: the store holds ${stored} events, expected ${expected} (history + accepted)`);
      expected = stored;
      run.problems.push(...problems.map((p) => `${store}: ${p}`));
      log(
        `${store}: ${result.requests} requests, ${result.requestsPerSecond.toFixed(1)}/s, p99 ${result.p99.toFixed(0)} ms, non-2xx ${result.non2xx}, errors ${result.errors}; ${usage}`,
      );
      for (const p of problems) log(`${store}: PROBLEM ${p}`);
    }
  } catch (error) {
    const out = server.output();
    log(`server stderr (tail):\n${out.stderr.slice(-3000)}`);
    throw error;
  } finally {
    const out = server.output();
    if (/SQLITE_BUSY|database is locked|Error/i.test(out.stderr)) log(`server stderr (tail):\n${out.stderr.slice(-3000)}`);
    await server.stop();
  }
  return run;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "orgtrail-load-"));
  const runs: StoreRun[] = [];
  try {
    const generate = { seed: intOption("seed", 0), users, events: history + live, days: intOption("days", 1), endDate: values.end! };
    log(
      `generating ${history.toLocaleString("en")} + ${live.toLocaleString("en")} events for ${users} users (seed ${generate.seed}, ending ${generate.endDate}) in ${dir}...`,
    );
    const data = await writeLoadData({ ...generate, live, batchLines, dir });
    if (!values["no-sqlite"]) runs.push(await runStore("SQLite", `file:${join(dir, "load.db")}`, data));
    if (values.pg) {
      const cluster = await startPostgres();
      try {
        runs.push(await runStore("PostgreSQL", await cluster.createDatabase("orgtrail_load"), data));
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    if (values.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  const rows = runs.flatMap((r) => r.results);
  const problems = runs.flatMap((r) => r.problems);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  let out = `Machine: ${machine}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at the end\n`;
  out += `Input: ${history.toLocaleString("en")} events of history + ${live.toLocaleString("en")} (one in every ${((history + live) / Math.max(live, 1)).toFixed(1)}, all days) held back for the concurrent ingest (batches of ${batchLines}), ${users.toLocaleString("en")} users, seed ${values.seed}, ${values.days} days ending ${values.end}\n`;
  out += `Each scenario: ${connections} connections for ${duration} s (timeout ${timeout} s), concurrent ingest: ${[...ingestModes].join(" + ") || "none"}\n`;
  for (const r of runs) out += `\n${r.store}: history ingested in ${r.seedSeconds.toFixed(1)} s; answers: ${r.answers.join("; ")}\n`;
  out += `\n${scenarioTable(rows)}\n\n${routeTable(rows)}\n\nCPU during each scenario:\n\n${rows.map((r) => `- ${r.store}, ${r.result.name}: ${r.usage}`).join("\n")}\n`;
  out +=
    problems.length === 0 ? "\nNo errors, no non-2xx answers, every ingested line stored.\n" : `\nPROBLEMS:\n${problems.map((p) => `- ${p}`).join("\n")}\n`;
  process.stdout.write(`\n${out}`);
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
