// The load test's engine, shared by scripts/load.ts (`npm run load`) and
// tests/integration/load.test.ts: autocannon against routes of the built server while further
// events are ingested into the same store (POST /api/v1/ingest in a loop and/or one
// `orgtrail ingest -` fed on stdin), with exact accounting of every ingested line.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { openStore } from "../../lib/db/client";
import { generateDirectory, generateEventLines, usersCsv, type GenerateOptions } from "../../lib/demo/generate";
import { PROJECT_ROOT } from "./server";

const CLI_BIN = join(PROJECT_ROOT, "bin/orgtrail.mjs");

export interface LoadRoute {
  name: string;
  path: string;
}

/** The dashboard API of SPEC §6 as the dashboard pages call it, cycled through by each connection. */
export const DASHBOARD_MIX: LoadRoute[] = [
  { name: "users", path: "/api/v1/users" },
  { name: "activity 30d", path: "/api/v1/activity?period=30d" },
  { name: "panel 30", path: "/api/v1/activity/panel?range=30" },
  { name: "activity 12m", path: "/api/v1/activity?period=12m" },
  { name: "panel 90", path: "/api/v1/activity/panel?range=90" },
  { name: "users export.csv", path: "/api/v1/users/export.csv" },
  { name: "activity all", path: "/api/v1/activity?period=all" },
  { name: "panel 7", path: "/api/v1/activity/panel?range=7" },
];

/** SPEC §5: the NDJSON audit log of a bounded window (31 days), streamed whole. */
export const AUDIT_LOGS: LoadRoute[] = [{ name: "audit_logs numDays=30", path: "/admin/audit_logs?numDays=30" }];

export interface IngestBatch {
  /** NDJSON lines, each ending in a newline. */
  body: string;
  lines: number;
}

/** Hands out each batch once, in order. */
export class BatchQueue {
  private next = 0;
  constructor(private readonly batches: readonly IngestBatch[]) {}
  take(): IngestBatch | undefined {
    if (this.next >= this.batches.length) return undefined;
    return this.batches[this.next++];
  }
  get remaining(): number {
    return this.batches.length - this.next;
  }
}

export interface LoadDataOptions extends GenerateOptions {
  /** This many of the generated events, spread evenly over the whole span, are kept back for the concurrent ingest. */
  live: number;
  /** Lines per batch of the concurrent ingest (one POST, or one write to the CLI's stdin). */
  batchLines: number;
  /** Where the NDJSON of the other events and the users CSV are written. */
  dir: string;
}

export interface LoadData {
  /** The history to ingest before the load: `events - live` events, oldest first. */
  eventsFile: string;
  historyEvents: number;
  usersCsvFile: string;
  /** The events kept back, oldest first, in batches. */
  batches: IngestBatch[];
}

/**
 * Generates an organization from a seed: every day of its history in a file (so the dashboard's
 * windows are full before the load), and one event in every few kept back, in batches, to be
 * ingested during the load (a late source catching up: new rows for old days and for today).
 */
export async function writeLoadData(options: LoadDataOptions): Promise<LoadData> {
  const { live, batchLines, dir, ...generate } = options;
  const total = generate.events;
  if (!(live >= 0 && live <= total)) throw new RangeError(`live must be between 0 and events (${total}), got ${live}`);
  if (!(batchLines >= 1)) throw new RangeError(`batchLines must be at least 1, got ${batchLines}`);
  const eventsFile = join(dir, "history.ndjson");
  const usersCsvFile = join(dir, "users.csv");
  writeFileSync(usersCsvFile, usersCsv(generateDirectory(generate)));
  const out = createWriteStream(eventsFile);
  const batches: IngestBatch[] = [];
  let history: string[] = [];
  let kept: string[] = [];
  let i = 0;
  for (const line of generateEventLines(generate)) {
    // Line i is kept back when it moves floor(i * live / total): exactly `live` lines, evenly spread.
    const keep = Math.floor(((i + 1) * live) / total) > Math.floor((i * live) / total);
    i++;
    if (keep) {
      kept.push(line);
      if (kept.length === batchLines) {
        batches.push({ body: kept.join("\n") + "\n", lines: kept.length });
        kept = [];
      }
    } else {
      history.push(line);
      if (history.length === 10_000) {
        if (!out.write(history.join("\n") + "\n")) await once(out, "drain");
        history = [];
      }
    }
  }
  if (history.length > 0) out.write(history.join("\n") + "\n");
  if (kept.length > 0) batches.push({ body: kept.join("\n") + "\n", lines: kept.length });
  out.end();
  await once(out, "finish");
  return { eventsFile, historyEvents: total - live, usersCsvFile, batches };
}

export interface IngestResult {
  mode: "HTTP" | "CLI";
  batches: number;
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** From the feeder's first batch to its last answer (the CLI: from when it reads its input to its exit). */
  seconds: number;
  /** CPU of the CLI process (user + system), sampled from /proc; null for HTTP (the server's CPU). */
  cpuSeconds: number | null;
  /** Failed requests (non-200, network errors) or the CLI's exit status, with the answer. */
  failures: string[];
  /** The queue ran dry before the load ended: the ingest did not overlap the whole run. */
  ranOutAfterSeconds: number | null;
}

function newIngestResult(mode: IngestResult["mode"]): IngestResult {
  return { mode, batches: 0, lines: 0, accepted: 0, duplicates: 0, rejected: 0, seconds: 0, cpuSeconds: null, failures: [], ranOutAfterSeconds: null };
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
  rejectedTotal?: number;
}

/** Waits until `paceMs` × `sent` after `started`, so a small queue is spread over the whole run. */
async function pace(started: number, sent: number, paceMs: number): Promise<void> {
  const wait = started + sent * paceMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** POSTs batches one after the other until told to stop or the queue is empty. */
async function feedHttp(queue: BatchQueue, baseUrl: string, auth: Record<string, string>, stopped: () => boolean, paceMs: number): Promise<IngestResult> {
  const r = newIngestResult("HTTP");
  const started = performance.now();
  while (!stopped()) {
    await pace(started, r.batches, paceMs);
    if (stopped()) break;
    const batch = queue.take();
    if (!batch) {
      r.ranOutAfterSeconds = (performance.now() - started) / 1000;
      break;
    }
    r.batches++;
    r.lines += batch.lines;
    try {
      const res = await fetch(`${baseUrl}/api/v1/ingest`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/x-ndjson" },
        body: batch.body,
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (res.status !== 200) {
        r.failures.push(`POST /api/v1/ingest: HTTP ${res.status} ${text.slice(0, 300)}`);
        continue;
      }
      const answer = JSON.parse(text) as IngestAnswer;
      r.accepted += answer.accepted;
      r.duplicates += answer.duplicates;
      r.rejected += answer.rejectedTotal ?? answer.rejected.length;
    } catch (error) {
      r.failures.push(`POST /api/v1/ingest: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  r.seconds = (performance.now() - started) / 1000;
  return r;
}

/** The CLI's environment: ours minus vitest's variables, on the given store. */
function cliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ORGTRAIL_DEMO: "0", ORGTRAIL_DATABASE_URL: databaseUrl };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "NODE_ENV" || key === "TEST") delete env[key];
  return env;
}

/** utime + stime of a live process, in seconds (Linux /proc; 0 elsewhere or once gone). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Past this many bytes written and drained (more than the pipe and stream buffers hold), the CLI
 * has started and is reading: its start-up (seconds on a busy machine) is kept out of the load.
 */
const CLI_READING_BYTES = 256 * 1024;

/**
 * One `orgtrail ingest -` fed batch by batch on stdin (it commits every 5,000 lines) until told to
 * stop. `reading` resolves once it reads (or has failed, or has no more batches).
 */
function feedCli(queue: BatchQueue, databaseUrl: string, stopped: () => boolean, paceMs: number): { reading: Promise<void>; done: Promise<IngestResult> } {
  let signalReading = () => {};
  const reading = new Promise<void>((resolve) => (signalReading = resolve));
  const done = (async () => {
    const r = newIngestResult("CLI");
    const child = spawn(process.execPath, [CLI_BIN, "ingest", "-"], { cwd: PROJECT_ROOT, env: cliEnv(databaseUrl), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString("utf8")).slice(-4000)));
    child.stdin.on("error", (error) => r.failures.push(`CLI stdin: ${error.message}`));
    let cpu = 0;
    const sampler = setInterval(() => (cpu = Math.max(cpu, processCpuSeconds(child.pid))), 100);
    const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    let written = 0;
    let started: number | null = null;
    while (!gone && !(started !== null && stopped())) {
      if (started !== null) await pace(started, r.batches, paceMs);
      if (gone || (started !== null && stopped())) break;
      const batch = queue.take();
      if (!batch) {
        r.ranOutAfterSeconds = started === null ? 0 : (performance.now() - started) / 1000;
        break;
      }
      r.batches++;
      r.lines += batch.lines;
      written += batch.body.length;
      // A CLI that died answers EPIPE: recorded by the stdin error handler, and by its exit status.
      if (!child.stdin.write(batch.body)) await Promise.race([once(child.stdin, "drain").catch(() => undefined), exited]);
      if (started === null && written >= CLI_READING_BYTES) {
        started = performance.now();
        signalReading();
      }
    }
    started ??= performance.now();
    signalReading();
    child.stdin.end();
    const code = await exited;
    clearInterval(sampler);
    r.cpuSeconds = cpu;
    r.seconds = (performance.now() - started) / 1000;
    const m = /accepted (\d+), duplicates (\d+), rejected (\d+)/.exec(stdout);
    if (m) {
      r.accepted = Number(m[1]);
      r.duplicates = Number(m[2]);
      r.rejected = Number(m[3]);
    }
    if (code !== 0 || !m) r.failures.push(`orgtrail ingest - exited ${code}: ${stdout.trim()} ${stderr.trim().slice(-1000)}`);
    return r;
  })();
  return { reading, done };
}

export interface RouteStats {
  name: string;
  path: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Status code → responses, for this route. */
  statuses: Record<string, number>;
}

export interface ScenarioResult {
  name: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Milliseconds, from the first byte of the request to the last of the answer. */
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  routes: RouteStats[];
  ingest: IngestResult[];
  /** CPU of this process (autocannon and the HTTP feeder) during the scenario. */
  loadGeneratorCpuSeconds: number;
}

export interface ScenarioOptions {
  name: string;
  routes: LoadRoute[];
  baseUrl: string;
  /** The Authorization header of an org admin. */
  auth: Record<string, string>;
  durationSeconds: number;
  connections: number;
  /** Per request; a request slower than this counts as a timeout (an error). */
  timeoutSeconds?: number;
  /** The concurrent ingest: each feeder takes batches from its queue (both may share one) one at a time. */
  ingest: {
    http?: FeederOptions;
    cli?: FeederOptions & { databaseUrl: string };
  };
}

export interface FeederOptions {
  queue: BatchQueue;
  /** At most one batch every paceMs (default 0: as fast as the store takes them). */
  paceMs?: number;
}

/** Nearest rank: the smallest sample with at least p of the samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Runs autocannon over the routes for the duration while the ingest feeders run, then waits for them. */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  let stop = false;
  const stopped = () => stop;
  const timeoutSeconds = o.timeoutSeconds ?? 10;
  const cpuBefore = process.cpuUsage();
  const feeders: Promise<IngestResult>[] = [];
  const { http, cli } = o.ingest;
  // The CLI first, and the load only once it reads its input: its start-up is not part of the run.
  const cliFeeder = cli && cli.queue.remaining > 0 ? feedCli(cli.queue, cli.databaseUrl, stopped, cli.paceMs ?? 0) : null;
  if (cliFeeder) await cliFeeder.reading;
  if (http) feeders.push(feedHttp(http.queue, o.baseUrl, o.auth, stopped, http.paceMs ?? 0));
  if (cliFeeder) feeders.push(cliFeeder.done);

  const samples = o.routes.map((): number[] => []);
  const statuses = o.routes.map((): Record<string, number> => ({}));
  // autocannon calls a request's onResponse synchronously just before emitting `response` with the
  // latency, which carries no path: the index noted here attributes the latency to its route.
  let current = -1;
  const requests = o.routes.map((route, i) => ({
    method: "GET",
    path: route.path,
    onResponse: (status: number) => {
      current = i;
      statuses[i]![status] = (statuses[i]![status] ?? 0) + 1;
    },
  }));
  let clients = 0;
  const instance = autocannon({
    url: o.baseUrl,
    connections: o.connections,
    duration: o.durationSeconds,
    timeout: timeoutSeconds,
    // As a browser sends them: the dashboard answers are compressed when asked.
    headers: { ...o.auth, "Accept-Encoding": "gzip, deflate, br" },
    requests,
    // Each connection starts at another route: a short run on a slow machine still covers the mix.
    setupClient: (client) => {
      const k = Math.floor((clients++ * requests.length) / o.connections) % requests.length;
      client.setRequests([...requests.slice(k), ...requests.slice(0, k)]);
    },
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    if (current >= 0) samples[current]!.push(ms);
    current = -1;
  });
  let result;
  try {
    result = await instance;
  } finally {
    stop = true;
  }
  const ingest = await Promise.all(feeders);
  const cpu = process.cpuUsage(cpuBefore);

  const routes = o.routes.map((route, i): RouteStats => {
    const sorted = samples[i]!.sort((a, b) => a - b);
    const byStatus = statuses[i]!;
    const requests = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const ok = Object.entries(byStatus).reduce((a, [code, n]) => a + (code.startsWith("2") ? n : 0), 0);
    return {
      name: route.name,
      path: route.path,
      requests,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? 0,
      non2xx: requests - ok,
      statuses: byStatus,
    };
  });
  const all = samples.flat().sort((a, b) => a - b);
  return {
    name: o.name,
    connections: o.connections,
    seconds: result.duration,
    requests: all.length,
    requestsPerSecond: all.length / result.duration,
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    max: all[all.length - 1] ?? 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    routes,
    ingest,
    loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** What went wrong in a scenario (empty when nothing did): the load test fails on any of these. */
export function scenarioProblems(r: ScenarioResult): string[] {
  const problems: string[] = [];
  if (r.requests === 0) problems.push(`${r.name}: no request completed`);
  if (r.errors > 0) problems.push(`${r.name}: ${r.errors} request errors (${r.timeouts} timeouts)`);
  if (r.non2xx > 0) {
    const bad = r.routes.filter((route) => route.non2xx > 0).map((route) => `${route.path} ${JSON.stringify(route.statuses)}`);
    problems.push(`${r.name}: ${r.non2xx} non-2xx answers: ${bad.join("; ")}`);
  }
  for (const i of r.ingest) {
    for (const f of i.failures.slice(0, 5)) problems.push(`${r.name}: ${i.mode} ingest: ${f}`);
    if (i.failures.length > 5) problems.push(`${r.name}: ${i.mode} ingest: ${i.failures.length - 5} more failures`);
    if (i.rejected > 0) problems.push(`${r.name}: ${i.mode} ingest rejected ${i.rejected} lines`);
    if (i.failures.length === 0 && i.accepted + i.duplicates + i.rejected !== i.lines)
      problems.push(`${r.name}: ${i.mode} ingest sent ${i.lines} lines but ${i.accepted} were accepted, ${i.duplicates} duplicates, ${i.rejected} rejected`);
  }
  return problems;
}

/** Events in the store, all organizations. */
export async function countStoredEvents(databaseUrl: string): Promise<number> {
  const store = await openStore(databaseUrl);
  try {
    const row = await store.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await store.close();
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

function ingestCell(i: IngestResult): string {
  const stored = i.accepted + i.duplicates;
  const cpu = i.cpuSeconds === null ? "" : `, ${i.cpuSeconds.toFixed(1)} s CPU`;
  const short = i.ranOutAfterSeconds !== null ? ` (ran out of events after ${i.ranOutAfterSeconds.toFixed(1)} s)` : "";
  return `${i.mode} ${int(stored)} ev in ${i.seconds.toFixed(1)} s = ${int(stored / Math.max(i.seconds, 1e-9))}/s${cpu}${short}`;
}

/** One row per scenario; `store` labels the rows (SQLite, PostgreSQL). */
export function scenarioTable(rows: { store: string; result: ScenarioResult }[]): string {
  const header =
    "| store | scenario | conns | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | non-2xx | errors / timeouts | concurrent ingest (events stored, rate) |\n" +
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";
  const body = rows.map(
    ({ store, result: r }) =>
      `| ${store} | ${r.name} | ${r.connections} | ${int(r.requests)} | ${r.requestsPerSecond.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.non2xx} | ${r.errors} / ${r.timeouts} | ${r.ingest.map(ingestCell).join("; ") || "none"} |`,
  );
  return [header, ...body].join("\n");
}

/** Latency per route inside each scenario. */
export function routeTable(rows: { store: string; result: ScenarioResult }[]): string {
  const header = "| store | scenario | route | requests | p50 (ms) | p99 (ms) | max (ms) | non-2xx |\n|---|---|---|---:|---:|---:|---:|---:|";
  const body = rows.flatMap(({ store, result }) =>
    result.routes.map((r) => `| ${store} | ${result.name} | \`${r.path}\` | ${int(r.requests)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.non2xx} |`),
  );
  return [header, ...body].join("\n");
}
