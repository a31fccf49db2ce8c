// The explorer's part of `npm run bench` (docs/PERFORMANCE.md, "Explorer"): the questions (a
// first page with the exact total, facets, matches per day, bare words), the same questions
// asked of DuckDB over its loaded table (the filter language translated to SQL here), and the
// cross-check of the two answers.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { DuckDBConnection } from "@duckdb/node-api";
import { SCHEMA_KEYS } from "../lib/audit/schema";
import { formatDate } from "../lib/audit/timestamp";
import { parseFilter } from "../lib/filter/parse-filter";
import type { Condition, FilterQuery } from "../lib/filter/query";

export type ExplorerAsk = "page" | "facets" | "histogram";

export interface ExplorerQuestion {
  id: string;
  kind: "explorer";
  ask: ExplorerAsk;
  q: string;
  field?: "action" | "status" | "entity" | "project" | "ip";
  /** Bare words over the whole history (goal < 2 s) rather than qualifier terms (< 50 ms) or facets/histogram (< 300 ms). */
  goalMs: number;
}

/** What both sides answer: the total and the first page's events, the top values, or the non-zero days. */
export type ExplorerAnswer =
  | { kind: "explorer-page"; total: number; keys: string[] }
  | { kind: "explorer-facets"; values: [string, number][] }
  | { kind: "explorer-histogram"; days: [string, number][] };

/** An event of a page as both sides can name it. */
export function eventKey(e: Record<string, unknown>): string {
  return [e.timestamp, e.action, e.actor_user_id ?? "", e.actor_email ?? "", e.actor_ip ?? "", e.response_code ?? ""].join("|");
}

/**
 * Picks the questions' values from the start of the input (deterministic for a file): a
 * busy team and project, a user of middling activity, an address range, the last full month.
 */
export async function explorerQuestions(file: string, endDate: string): Promise<ExplorerQuestion[]> {
  const entities = new Map<string, number>();
  const projects = new Map<string, number>();
  const actors = new Map<string, number>();
  const nets = new Map<string, number>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    if (++n > 200_000) break;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const bump = (m: Map<string, number>, v: unknown) => typeof v === "string" && m.set(v, (m.get(v) ?? 0) + 1);
    bump(entities, e.entity_name);
    bump(projects, e.project_name);
    if (typeof e.actor_email === "string") bump(actors, e.actor_email.toLowerCase());
    if (typeof e.actor_ip === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(e.actor_ip)) bump(nets, e.actor_ip.split(".").slice(0, 3).join("."));
  }
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  const entity = ranked(entities)[0] ?? "none";
  const project = ranked(projects)[1] ?? ranked(projects)[0] ?? "none";
  const actorList = ranked(actors);
  const actor = actorList[Math.floor(actorList.length / 4)] ?? "nobody@example.com";
  const net = ranked(nets)[0] ?? "203.0.113";
  const end = new Date(`${endDate}T00:00:00Z`);
  const monthStart = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
  const monthEnd = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 0)).toISOString().slice(0, 10);
  const quote = (v: string) => (/[\s"\\]/.test(v) ? `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : v);
  const Q = 50;
  const F = 300;
  const T = 2000;
  return [
    { id: "x-all", kind: "explorer", ask: "page", q: "", goalMs: Q },
    { id: "x-action", kind: "explorer", ask: "page", q: "action:user:create_api_key", goalMs: Q },
    { id: "x-actor", kind: "explorer", ask: "page", q: `actor:${quote(actor)}`, goalMs: Q },
    { id: "x-failed-range", kind: "explorer", ask: "page", q: `status:>=400 ip:${net}.0/24`, goalMs: Q },
    { id: "x-month-runs", kind: "explorer", ask: "page", q: `created:${monthStart}..${monthEnd} action:run:* -action:run:update`, goalMs: Q },
    { id: "x-entity-project", kind: "explorer", ask: "page", q: `entity:${quote(entity)} project:${quote(project)} -status:none`, goalMs: Q },
    { id: "x-facet-action", kind: "explorer", ask: "facets", q: "status:>=400", field: "action", goalMs: F },
    { id: "x-facet-ip", kind: "explorer", ask: "facets", q: "action:user:login", field: "ip", goalMs: F },
    { id: "x-facet-entity", kind: "explorer", ask: "facets", q: "", field: "entity", goalMs: F },
    { id: "x-histogram", kind: "explorer", ask: "histogram", q: "action:run:*", goalMs: F },
    { id: "x-histogram-all", kind: "explorer", ask: "histogram", q: "", goalMs: F },
    { id: "x-text", kind: "explorer", ask: "page", q: quote(entity), goalMs: T },
    { id: "x-text-rare", kind: "explorer", ask: "page", q: "zzz-no-such-text", goalMs: T },
    { id: "x-text-and", kind: "explorer", ask: "page", q: `${quote(actor.split("@")[0]!)} -action:project:read`, goalMs: T },
  ];
}

/** The orgtrail route of a question. */
export function explorerPath(x: ExplorerQuestion): string {
  const q = `q=${encodeURIComponent(x.q)}`;
  if (x.ask === "page") return `/api/v1/events?${q}&limit=50`;
  if (x.ask === "facets") return `/api/v1/events/facets?${q}&field=${x.field}`;
  return `/api/v1/events/histogram?${q}`;
}

// ---- DuckDB ----

/** The string values a bare word searches: every schema key but the timestamp and the response code. */
const STRING_COLUMNS = SCHEMA_KEYS.filter((k) => k !== "timestamp" && k !== "response_code");

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** IPv4 text as a number, or NULL (DuckDB's inet extension cannot be downloaded here). */
const IPV4 = `(CASE WHEN regexp_full_match(actor_ip, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
  CAST(split_part(actor_ip, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(actor_ip, '.', 2) AS BIGINT) * 65536
  + CAST(split_part(actor_ip, '.', 3) AS BIGINT) * 256 + CAST(split_part(actor_ip, '.', 4) AS BIGINT) END)`;

/** What an analyst writes for the user a value names: the email, or the platform id that email carries. */
function identity(idColumn: string, emailColumn: string, value: string): string {
  const v = lit(value.toLowerCase());
  return `(lower(${emailColumn}) = ${v} OR ${idColumn} = ${lit(value)} OR ${idColumn} IN (SELECT DISTINCT ${idColumn} FROM ev WHERE lower(${emailColumn}) = ${v} AND ${idColumn} IS NOT NULL))`;
}

function conditionSql(c: Condition): string {
  switch (c.kind) {
    case "action":
      return c.prefix ? `starts_with(action, ${lit(c.value)})` : `action = ${lit(c.value)}`;
    case "actor":
      return identity("actor_user_id", "actor_email", c.value);
    case "user":
      return identity("user_asset", "user_email", c.value);
    case "entity":
      return `lower(entity_name) = ${lit(c.value)}`;
    case "project":
      return `lower(project_name) = ${lit(c.value)}`;
    case "ip": {
      if (c.net.version !== 4) throw new Error("bench: only IPv4 ranges are translated for DuckDB");
      const size = 2 ** (32 - c.net.prefix);
      const lo = Number(c.net.value);
      return `${IPV4} BETWEEN ${lo} AND ${lo + size - 1}`;
    }
    case "status":
      return c.none ? "response_code IS NULL" : `response_code BETWEEN ${c.min} AND ${c.max}`;
    case "created": {
      const parts: string[] = [];
      if (c.fromDay !== null) parts.push(`ts >= TIMESTAMP ${lit(formatDate(c.fromDay))}`);
      if (c.toDay !== null) parts.push(`ts < TIMESTAMP ${lit(formatDate(c.toDay + 1))}`);
      return parts.length ? parts.join(" AND ") : "TRUE";
    }
    case "text":
      return `(${STRING_COLUMNS.map((col) => `contains(lower(${col}), ${lit(c.value)})`).join(" OR ")})`;
  }
}

/** The WHERE clause of a query (NULL comparisons count as false, so exclusions keep events without the field). */
export function whereSql(query: FilterQuery): string {
  const parts = [
    ...query.groups.map(
      (g) =>
        `coalesce(${g
          .map(conditionSql)
          .map((s) => `(${s})`)
          .join(" OR ")}, false)`,
    ),
    ...query.excluded.map((c) => `NOT coalesce((${conditionSql(c)}), false)`),
  ];
  return parts.length ? parts.join(" AND ") : "TRUE";
}

const FACET_SQL: Record<NonNullable<ExplorerQuestion["field"]>, string> = {
  action: "action",
  status: "coalesce(CAST(response_code AS VARCHAR), 'none')",
  entity: "entity_name",
  project: "project_name",
  ip: "actor_ip",
};

async function all(c: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await c.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

/** DuckDB's answer to an explorer question, over its table `ev` (schema keys, `ts` a UTC TIMESTAMP). */
export async function duckExplorerAnswer(c: DuckDBConnection, x: ExplorerQuestion): Promise<ExplorerAnswer> {
  const parsed = parseFilter(x.q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const where = whereSql(parsed.query);
  if (x.ask === "page") {
    const total = Number((await all(c, `SELECT count(*) FROM ev WHERE ${where}`))[0]![0]);
    const rows = await all(
      c,
      `SELECT epoch_ms(ts), action, actor_user_id, actor_email, actor_ip, response_code FROM ev WHERE ${where} ORDER BY ts DESC, rowid DESC LIMIT 50`,
    );
    const keys = rows.map((r) => [new Date(Number(r[0])).toISOString(), r[1], r[2] ?? "", r[3] ?? "", r[4] ?? "", r[5] ?? ""].join("|"));
    return { kind: "explorer-page", total, keys };
  }
  if (x.ask === "facets") {
    const v = FACET_SQL[x.field!];
    const rows = await all(c, `SELECT ${v} AS v, count(*) AS n FROM ev WHERE ${where} AND ${v} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT 20`);
    return { kind: "explorer-facets", values: rows.map((r) => [String(r[0]), Number(r[1])]) };
  }
  const rows = await all(c, `SELECT strftime(CAST(ts AS DATE), '%Y-%m-%d') AS d, count(*) FROM ev WHERE ${where} GROUP BY d ORDER BY d`);
  return { kind: "explorer-histogram", days: rows.map((r) => [String(r[0]), Number(r[1])]) };
}

// ---- cross-check ----

export function crossCheckExplorer(body: string, answer: ExplorerAnswer): { ok: boolean; detail: string } {
  if (answer.kind === "explorer-page") {
    const json = JSON.parse(body) as { events: Record<string, unknown>[]; total: number };
    const keys = json.events.map(eventKey);
    const problems: string[] = [];
    if (json.total !== answer.total) problems.push(`total ${json.total} vs ${answer.total}`);
    const at = keys.findIndex((k, i) => k !== answer.keys[i]);
    if (keys.length !== answer.keys.length || at !== -1)
      problems.push(`page differs at ${at === -1 ? keys.length : at}: ${keys[at] ?? "(end)"} vs ${answer.keys[at] ?? "(end)"}`);
    return problems.length
      ? { ok: false, detail: problems.join("; ") }
      : { ok: true, detail: `${answer.total.toLocaleString("en")} matches, first page alike` };
  }
  if (answer.kind === "explorer-facets") {
    const json = JSON.parse(body) as { values: { value: string; count: number }[] };
    const ours = json.values.map((v) => `${v.value}=${v.count}`);
    const theirs = answer.values.map(([v, n]) => `${v}=${n}`);
    const at = ours.findIndex((v, i) => v !== theirs[i]);
    if (ours.length !== theirs.length || at !== -1) return { ok: false, detail: `value ${at}: ${ours[at] ?? "(end)"} vs ${theirs[at] ?? "(end)"}` };
    return { ok: true, detail: `top ${ours.length} values alike` };
  }
  const json = JSON.parse(body) as { days: { date: string; count: number }[] };
  const ours = json.days.filter((d) => d.count > 0).map((d) => `${d.date}=${d.count}`);
  const theirs = answer.days.map(([d, n]) => `${d}=${n}`);
  const at = ours.findIndex((v, i) => v !== theirs[i]);
  if (ours.length !== theirs.length || at !== -1) return { ok: false, detail: `day ${at}: ${ours[at] ?? "(end)"} vs ${theirs[at] ?? "(end)"}` };
  return { ok: true, detail: `${ours.length} days alike` };
}

export function describeExplorer(x: ExplorerQuestion): string {
  const what = x.ask === "page" ? "first page + exact total" : x.ask === "facets" ? `top 20 ${x.field}` : "matches per day";
  return `${what} of \`${x.q || "(everything)"}\``;
}
