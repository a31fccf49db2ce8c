// First-load JavaScript per page, gzipped, from a production build (issue 6: the dashboard's
// first-load JS ≤ 200 kB gzipped). Reads Next 16's `<distDir>/diagnostics/route-bundle-stats.json`
// (the chunks each route loads before it is interactive), gzips each chunk as `next start`
// serves it (level 6) and adds them up. Exits 1 when a dashboard page is over the budget.
//   node --import tsx/esm scripts/bundle-report.ts [--dist .next] [--budget-kb 200] [--json]
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const { values } = parseArgs({
  options: {
    dist: { type: "string", default: process.env.ORGTRAIL_DIST_DIR || ".next" },
    "budget-kb": { type: "string", default: "200" },
    json: { type: "boolean", default: false },
  },
});

/** The dashboard's pages: the budget applies to these; others are reported only. */
const DASHBOARD_PAGES = ["/org/dashboard", "/org/settings", "/org/audit-logs", "/org/users/[id]"];

interface RouteStats {
  route: string;
  firstLoadUncompressedJsBytes: number;
  firstLoadChunkPaths: string[];
}

const root = resolve(import.meta.dirname, "..");
const dist = resolve(root, values.dist!);
const statsFile = join(dist, "diagnostics", "route-bundle-stats.json");
if (!existsSync(statsFile)) {
  console.error(`bundle-report: ${statsFile} not found: build first (ORGTRAIL_DIST_DIR=${values.dist} npx next build)`);
  process.exit(2);
}
const budget = Number(values["budget-kb"]) * 1000;
const stats = JSON.parse(readFileSync(statsFile, "utf8")) as RouteStats[];

const gzipped = new Map<string, number>();
function gzipBytes(chunk: string): number {
  // Paths are relative to the project root and start with the dist dir's name.
  const path = resolve(root, chunk);
  let n = gzipped.get(path);
  if (n === undefined) {
    n = gzipSync(readFileSync(path), { level: 6 }).length;
    gzipped.set(path, n);
  }
  return n;
}

const rows = stats
  .map((s) => ({
    route: s.route,
    chunks: s.firstLoadChunkPaths.length,
    raw: s.firstLoadUncompressedJsBytes,
    gzip: s.firstLoadChunkPaths.reduce((sum, c) => sum + gzipBytes(c), 0),
    budgeted: DASHBOARD_PAGES.includes(s.route),
  }))
  .sort((a, b) => a.route.localeCompare(b.route));

const over = rows.filter((r) => r.budgeted && r.gzip > budget);
const missing = DASHBOARD_PAGES.filter((p) => !rows.some((r) => r.route === p));

if (values.json) {
  console.log(JSON.stringify({ dist: values.dist, budgetBytes: budget, routes: rows }, null, 2));
} else {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  console.log(`First-load JS per page (${values.dist}), gzip level 6; budget ${kb(budget)} for the dashboard pages\n`);
  console.log("| page | chunks | uncompressed | gzipped | budget |\n|---|---:|---:|---:|---|");
  for (const r of rows) {
    console.log(`| \`${r.route}\` | ${r.chunks} | ${kb(r.raw)} | ${kb(r.gzip)} | ${r.budgeted ? (r.gzip > budget ? "**over**" : "ok") : "—"} |`);
  }
}
for (const p of missing) console.error(`bundle-report: no stats for ${p} in ${statsFile}`);
for (const r of over) console.error(`bundle-report: ${r.route} loads ${r.gzip} bytes of gzipped JS first, over the ${budget}-byte budget`);
process.exit(over.length > 0 || missing.length > 0 ? 1 : 0);
