// Cross-check of `npm run bench`: does orgtrail's HTTP answer say what DuckDB's answer to the same
// question says? A speed ratio between two different questions would be meaningless.
import type { DuckAnswer, DuckUser } from "./bench-duckdb";
import { crossCheckExplorer } from "./bench-explorer";

export interface CheckResult {
  ok: boolean;
  detail: string;
}

interface Compared {
  user: string;
  activeDays: number;
  lastActiveMs: number | null;
}

const iso = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString());
const show = (c: Compared) => `${c.user}: ${c.activeDays} days, last ${iso(c.lastActiveMs)}`;

/** One CSV record per line (the export never puts a newline inside a cell); quoted cells. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote: ${line}`);
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(cell);
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      cells.push(line.slice(i, end));
      i = end;
    }
    i++; // the comma
  }
  return cells;
}

/** The users orgtrail lists with activity: email (lower-cased), active days, last active. */
function orgtrailUsers(route: string, body: string): Compared[] {
  if (route.includes("export.csv")) {
    const [header, ...lines] = body.split("\n").filter((l) => l !== "");
    const cols = parseCsvLine(header!);
    const email = cols.indexOf("Email");
    const last = cols.indexOf("Last active");
    const days = cols.indexOf("Number of active days");
    return lines
      .map(parseCsvLine)
      .map((c) => ({ user: (c[email] ?? "").toLowerCase(), activeDays: Number(c[days]), lastActiveMs: c[last] ? Date.parse(c[last]) : null }));
  }
  const json = JSON.parse(body) as { users: { email: string | null; activeDays: number; lastActive: string | null }[] };
  return json.users.map((u) => ({
    user: (u.email ?? "").toLowerCase(),
    activeDays: u.activeDays,
    lastActiveMs: u.lastActive === null ? null : Date.parse(u.lastActive),
  }));
}

const fromDuck = (u: DuckUser): Compared => ({ user: u.email ?? u.key, activeDays: u.activeDays, lastActiveMs: u.lastActiveMs });

/** Every user with activity: the same set, and the same active days and last active for each. */
function compareUsers(ours: Compared[], theirs: DuckUser[]): CheckResult {
  const active = ours.filter((u) => u.activeDays > 0);
  const duck = new Map(theirs.map((u) => [u.email ?? u.key, fromDuck(u)]));
  const differ: string[] = [];
  for (const u of active) {
    const d = duck.get(u.user);
    if (!d) differ.push(`${show(u)} (not active in DuckDB)`);
    else if (d.activeDays !== u.activeDays || d.lastActiveMs !== u.lastActiveMs) differ.push(`${show(u)} vs ${show(d)}`);
    duck.delete(u.user);
  }
  for (const d of duck.values()) differ.push(`${show(d)} (DuckDB only)`);
  if (differ.length === 0) return { ok: true, detail: `${active.length} active users, each with the same active days and last active` };
  return { ok: false, detail: `${differ.length} of ${active.length} users differ, e.g. ${differ.slice(0, 3).join("; ")}` };
}

/** Day or week → count (zero entries dropped: DuckDB lists only days with activity). */
function series(points: [string, number][]): string[] {
  return points.filter(([, n]) => n > 0).map(([d, n]) => `${d}=${n}`);
}

/** The first entry where the two lists differ, or null when they are alike. */
function firstDifference(x: string[], y: string[]): string | null {
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `${x[i] ?? "(end)"} vs ${y[i] ?? "(end)"}`;
  return null;
}

export function crossCheck(route: string, body: string, answer: DuckAnswer): CheckResult {
  if (answer.kind === "explorer-page" || answer.kind === "explorer-facets" || answer.kind === "explorer-histogram") return crossCheckExplorer(body, answer);
  if (answer.kind === "users") return compareUsers(orgtrailUsers(route, body), answer.users);
  if (answer.kind === "activity") {
    const json = JSON.parse(body) as { from: string; to: string; totalActiveUsers: number; series: { date: string; activeUsers: number }[] };
    const diff = firstDifference(series(json.series.map((p) => [p.date, p.activeUsers])), series(answer.series));
    const problems: string[] = [];
    if (json.from !== answer.from || json.to !== answer.to) problems.push(`range ${json.from}..${json.to} vs ${answer.from}..${answer.to}`);
    if (json.totalActiveUsers !== answer.total) problems.push(`total ${json.totalActiveUsers} vs ${answer.total}`);
    if (diff !== null) problems.push(`series: ${diff}`);
    if (problems.length === 0) return { ok: true, detail: `${answer.total} active, ${json.series.length} days alike` };
    return { ok: false, detail: problems.join("; ") };
  }
  const json = JSON.parse(body) as {
    from: string;
    to: string;
    activeUserCount: number;
    weekly: { weekStart: string; activeUsers: number }[];
    mostActive: { email: string | null; activeDays: number; lastActive: string }[];
  };
  const problems: string[] = [];
  if (json.from !== answer.from || json.to !== answer.to) problems.push(`range ${json.from}..${json.to} vs ${answer.from}..${answer.to}`);
  if (json.activeUserCount !== answer.count) problems.push(`count ${json.activeUserCount} vs ${answer.count}`);
  const weekly = firstDifference(series(json.weekly.map((w) => [w.weekStart, w.activeUsers])), series(answer.weekly));
  if (weekly !== null) problems.push(`weekly: ${weekly}`);
  const top = firstDifference(
    json.mostActive.map((u) => show({ user: (u.email ?? "").toLowerCase(), activeDays: u.activeDays, lastActiveMs: Date.parse(u.lastActive) })),
    answer.top.map((u) => show(fromDuck(u))),
  );
  if (top !== null) problems.push(`top 10: ${top}`);
  if (problems.length === 0) return { ok: true, detail: `${answer.count} active, ${json.weekly.length} weeks and the top 10 alike` };
  return { ok: false, detail: problems.join("; ") };
}
