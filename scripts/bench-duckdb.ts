// The yardstick of `npm run bench`: what a data analyst would do instead of orgtrail. Loads the
// NDJSON file into an in-memory DuckDB table, then answers the dashboard's questions (SPEC §4)
// over it, several runs each. Run by scripts/bench.ts in its own process (so its peak RSS is
// measured apart from the bench and the server); prints one JSON object on stdout.
//   node --import tsx/esm scripts/bench-duckdb.ts --file events.ndjson --questions '[...]' [--runs 5] [--warmup 1]
// A question is {"id","kind":"users"|"activity"|"panel","asOf":"YYYY-MM-DD","period"?,"range"?}.
// Self-managed semantics only (no multi-tenant activity start, no report:read filter).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { minusMonths } from "../lib/activity/calendar";
import type { PanelRange, Period } from "../lib/activity/types";
import { GONE_ACTIONS, LIFECYCLE_ACTIONS, SCHEMA_KEYS } from "../lib/audit/schema";
import { formatDate, parseDate } from "../lib/audit/timestamp";
import { duckExplorerAnswer, type ExplorerAnswer, type ExplorerQuestion } from "./bench-explorer";

export type DuckQuestion =
  | { id: string; kind: "users"; asOf: string }
  | { id: string; kind: "activity"; asOf: string; period: Period }
  | { id: string; kind: "panel"; asOf: string; range: PanelRange }
  | ExplorerQuestion;

/** One user as DuckDB sees it: the actor key (id, else lower-cased email). */
export interface DuckUser {
  key: string;
  email: string | null;
  lastActiveMs: number;
  activeDays: number;
}

export type DuckAnswer =
  | { kind: "users"; users: DuckUser[] }
  | { kind: "activity"; from: string; to: string; total: number; series: [string, number][] }
  | { kind: "panel"; from: string; to: string; count: number; weekly: [string, number][]; top: DuckUser[] }
  | ExplorerAnswer;

export interface DuckTiming {
  id: string;
  /** Wall time per run, ms, sorted. */
  samples: number[];
  median: number;
  /** Process CPU time (all DuckDB threads) per run, median, ms. */
  cpuMedian: number;
  answer: DuckAnswer;
}

export interface DuckResult {
  events: number;
  loadSeconds: number;
  loadCpuSeconds: number;
  /** VmHWM after the load and at the end, MB. */
  peakRssAfterLoadMb: number;
  peakRssMb: number;
  threads: number;
  version: string;
  questions: DuckTiming[];
}

/** Every schema key read as text, the response code aside (read as a number). */
const SCHEMA_COLUMNS = SCHEMA_KEYS.filter((k) => k !== "response_code");

const quoteList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");

/**
 * Users whose latest lifecycle event up to the end of asOf is a delete (SPEC §4: gone), keyed
 * like actors (the platform id, else the lower-cased email); then the active events of everyone
 * else up to the end of asOf: response code absent or below 400, any action.
 */
const ACTIVE = `
  gone AS (
    SELECT coalesce(user_asset, lower(user_email)) AS uk
    FROM ev
    WHERE action IN (${quoteList(LIFECYCLE_ACTIONS)}) AND ts < $end AND coalesce(user_asset, user_email) IS NOT NULL
    GROUP BY 1
    HAVING arg_max(action, ts) IN (${quoteList(GONE_ACTIONS)})
  ),
  act AS (
    SELECT coalesce(actor_user_id, lower(actor_email)) AS uk, lower(actor_email) AS email, ts, CAST(ts AS DATE) AS day
    FROM ev
    WHERE ts < $end AND (response_code IS NULL OR response_code < 400)
      AND coalesce(actor_user_id, actor_email) IS NOT NULL
      AND coalesce(actor_user_id, lower(actor_email)) NOT IN (SELECT uk FROM gone)
  )`;

const USERS = `WITH ${ACTIVE}
  SELECT uk, max(email), CAST(epoch_ms(max(ts)) AS DOUBLE), CAST(count(DISTINCT day) AS INTEGER)
  FROM act GROUP BY uk`;

/** The period's days: distinct active users over all of them (day NULL) and per day. */
const ACTIVITY = `WITH ${ACTIVE}
  SELECT strftime(day, '%Y-%m-%d'), CAST(count(DISTINCT uk) AS INTEGER)
  FROM act WHERE day BETWEEN $from AND $to
  GROUP BY GROUPING SETS ((day), ())`;

/** First day of `all`: the earliest event naming a user (as orgtrail's users.first_seen_at). */
const FIRST_DAY = `SELECT strftime(min(CAST(ts AS DATE)), '%Y-%m-%d') FROM ev
  WHERE ts < $end AND coalesce(actor_user_id, actor_email, user_asset, user_email) IS NOT NULL`;

const PANEL_WEEKLY = `WITH ${ACTIVE}
  SELECT strftime(date_trunc('week', day), '%Y-%m-%d'), CAST(count(DISTINCT uk) AS INTEGER)
  FROM act WHERE day BETWEEN $from AND $to
  GROUP BY GROUPING SETS ((date_trunc('week', day)), ())`;

const PANEL_TOP = `WITH ${ACTIVE}
  SELECT uk, max(email) AS email, CAST(epoch_ms(max(ts)) AS DOUBLE) AS last, CAST(count(DISTINCT day) AS INTEGER) AS days
  FROM act WHERE day BETWEEN $from AND $to
  GROUP BY uk ORDER BY days DESC, last DESC, email LIMIT 10`;

type Row = (string | number | null)[];

async function rows(c: DuckDBConnection, query: string, params: Record<string, string>): Promise<Row[]> {
  const typed = query.replace(/\$(end|from|to)\b/g, (_, k: string) => (k === "end" ? "CAST($end AS TIMESTAMP)" : `CAST($${k} AS DATE)`));
  const reader = await c.runAndReadAll(typed, params);
  return reader.getRowsJS() as Row[];
}

const dayAfter = (date: string) => formatDate(parseDate(date)! + 1);

function toUser(r: Row): DuckUser {
  return { key: String(r[0]), email: r[1] === null ? null : String(r[1]), lastActiveMs: Number(r[2]), activeDays: Number(r[3]) };
}

async function answer(c: DuckDBConnection, q: DuckQuestion): Promise<DuckAnswer> {
  if (q.kind === "explorer") return duckExplorerAnswer(c, q);
  const end = dayAfter(q.asOf);
  const asOfDay = parseDate(q.asOf)!;
  if (q.kind === "users") return { kind: "users", users: (await rows(c, USERS, { end })).map(toUser) };
  if (q.kind === "activity") {
    let from: string;
    if (q.period === "30d") from = formatDate(asOfDay - 29);
    else if (q.period === "all") from = String((await rows(c, FIRST_DAY, { end }))[0]?.[0] ?? q.asOf);
    else from = formatDate(minusMonths(asOfDay, Number(q.period.slice(0, -1))));
    const result = await rows(c, ACTIVITY, { end, from, to: q.asOf });
    const total = Number(result.find((r) => r[0] === null)?.[1] ?? 0);
    const series = result
      .filter((r) => r[0] !== null)
      .map((r): [string, number] => [String(r[0]), Number(r[1])])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return { kind: "activity", from, to: q.asOf, total, series };
  }
  const from = formatDate(asOfDay - (q.range - 1));
  const weekly = await rows(c, PANEL_WEEKLY, { end, from, to: q.asOf });
  const top = await rows(c, PANEL_TOP, { end, from, to: q.asOf });
  return {
    kind: "panel",
    from,
    to: q.asOf,
    count: Number(weekly.find((r) => r[0] === null)?.[1] ?? 0),
    weekly: weekly
      .filter((r) => r[0] !== null)
      .map((r): [string, number] => [String(r[0]), Number(r[1])])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    top: top.map(toUser),
  };
}

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      questions: { type: "string", default: "[]" },
      runs: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
    },
  });
  if (!values.file) throw new Error("--file is required");
  const questions = JSON.parse(values.questions!) as DuckQuestion[];
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  await c.run("SET TimeZone = 'UTC'");
  const threads = Number((await c.runAndReadAll("SELECT current_setting('threads')")).getRowsJS()[0]![0]);
  const version = String((await c.runAndReadAll("SELECT version()")).getRowsJS()[0]![0]);

  // The load: every schema key as text, the response code as a number, the timestamp parsed
  // (any offset) and kept as a UTC TIMESTAMP: what an analyst's CREATE TABLE ... FROM
  // read_ndjson does. (Kept as TIMESTAMPTZ, every day cast goes through the time zone code:
  // 2–3× the CPU per question at 1M events; the faster form is the fairer yardstick.)
  const columns = SCHEMA_COLUMNS.map((k) => `${k}: 'VARCHAR'`)
    .concat(["response_code: 'INTEGER'"])
    .join(", ");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.run(
    `CREATE TABLE ev AS
    SELECT * EXCLUDE (timestamp), CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts
    FROM read_ndjson($file, columns = {${columns}}, format = 'newline_delimited')`,
    { file: values.file },
  );
  const loadSeconds = (performance.now() - t0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  const peakRssAfterLoadMb = vmHwmMb();
  const events = Number((await c.runAndReadAll("SELECT count(*) FROM ev")).getRowsJS()[0]![0]);

  const timings: DuckTiming[] = [];
  for (const q of questions) {
    const samples: number[] = [];
    const cpu: number[] = [];
    let last: DuckAnswer | null = null;
    for (let i = 0; i < warmup + runs; i++) {
      const c0 = process.cpuUsage();
      const started = performance.now();
      last = await answer(c, q);
      const ms = performance.now() - started;
      const used = process.cpuUsage(c0);
      if (i >= warmup) {
        samples.push(ms);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    samples.sort((a, b) => a - b);
    timings.push({ id: q.id, samples, median: median(samples), cpuMedian: median(cpu), answer: last! });
    process.stderr.write(`bench-duckdb: ${q.id}: median ${median(samples).toFixed(1)} ms\n`);
  }
  const result: DuckResult = {
    events,
    loadSeconds,
    loadCpuSeconds: (cpu1.user + cpu1.system) / 1e6,
    peakRssAfterLoadMb,
    peakRssMb: vmHwmMb(),
    threads,
    version,
    questions: timings,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
  c.closeSync();
  instance.closeSync();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-duckdb: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
