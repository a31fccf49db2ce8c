// Measurement (not a test): the users list and CSV over HTTP (cold after a change, and warm),
// and the Users page with every user in Chromium, against the built server on a given store
// (e.g. the 10,000-user store of `scripts/bench-queries.ts --fill`).
//   node --import tsx/esm scripts/measure-users-page.ts --store file:/tmp/q.db [--runs 20] [--loads 5]
//     [--as-of 2026-11-25] [--dist .next] [--no-browser] [--no-http]
// "Interactive" is measured in the page: from navigation start to the moment the table shows
// its rows and the "N users" line, and then to the end of the last long task (> 50 ms) after
// it, i.e. when a click or a key is handled at once; a sort click is timed too. The page's
// main-thread CPU time until the table was shown (Chromium trace, the thread time of its
// tasks) is the figure to compare on a busy machine, where the wall times measure the load.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { openStore } from "../lib/db/client";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    runs: { type: "string", default: "20" },
    loads: { type: "string", default: "5" },
    "as-of": { type: "string" },
    dist: { type: "string", default: process.env.ORGTRAIL_DIST_DIR || ".next" },
    "no-browser": { type: "boolean", default: false },
    "no-http": { type: "boolean", default: false },
    // Tracing (for the main-thread CPU figure) slows the page itself: --no-trace for the plain timings.
    "no-trace": { type: "boolean", default: false },
  },
});
if (!values.store) throw new Error("--store file:/path.db or postgres://… is required");
const root = resolve(import.meta.dirname, "..");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  ORGTRAIL_DEMO: "0",
  ORGTRAIL_DATABASE_URL: values.store,
  ORGTRAIL_DIST_DIR: values.dist,
};
if (values["as-of"]) env.ORGTRAIL_TODAY = values["as-of"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)} (n=${xs.length})`;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

/** The server's CPU time (user + system, ms) from /proc. */
function cpuMs(pid: number): number {
  const ticks = (p: number) => {
    try {
      const stat = spawnSync("cat", [`/proc/${p}/stat`], { encoding: "utf8" }).stdout;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(f[11]) + Number(f[12]);
    } catch {
      return 0;
    }
  };
  // next start runs the server in a child process: count the whole group.
  const pids = spawnSync("pgrep", ["-g", String(pid)], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .map(Number);
  return pids.reduce((s, p) => s + ticks(p), 0) * 10;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** CPU time of the page's renderer main thread (tasks' thread time) from just before its first HTML parse until `shownMs` after it. */
function mainThreadCpuMs(trace: Buffer, shownMs: number): number {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const onMain = (e: TraceEvent, main: TraceEvent) => e.pid === main.pid && e.tid === main.tid;
  const main = events.find((t) => t.name === "thread_name" && t.args?.name === "CrRendererMain" && events.some((e) => onMain(e, t) && e.name === "ParseHTML"));
  if (!main) return NaN;
  const start = Math.min(...events.filter((e) => onMain(e, main) && e.name === "ParseHTML").map((e) => e.ts));
  const end = start + shownMs * 1000;
  return (
    events
      .filter((e) => onMain(e, main) && e.ph === "X" && e.name === "RunTask" && e.ts >= start - 200_000 && e.ts <= end)
      .reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000
  );
}

const user = `measure-${process.pid}`;
const key = spawnSync(process.execPath, [resolve(root, "bin/orgtrail.mjs"), "admin", "create", user], { cwd: root, env, encoding: "utf8" }).stdout.trim();
if (!key) throw new Error("could not create an admin account on the store");
const auth = `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [resolve(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
  cwd: root,
  env,
  stdio: "ignore",
  detached: true,
});
const stop = () => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    // gone
  }
};
process.on("exit", stop);

try {
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`load average ${spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim()}`);

  if (!values["no-http"]) {
    const runs = Number(values.runs);
    const get = async (path: string, encoding: string) => {
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: auth, "accept-encoding": encoding } });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return { ms: performance.now() - t, bytes: body.byteLength, encoding: res.headers.get("content-encoding") ?? "identity" };
    };
    /** A change the cache must see, through another connection (a no-op update still moves the data version). */
    const other = await openStore(values.store);
    const touch = () =>
      other.db
        .updateTable("users")
        .set((eb) => ({ runs: eb.ref("runs") }))
        .where("id", "=", (eb) => eb.selectFrom("users").select((e) => e.fn.min("id").as("m")))
        .execute();
    for (const path of ["/api/v1/users", "/api/v1/users/export.csv"]) {
      for (const encoding of ["gzip, deflate, br", "identity"]) {
        const cold: number[] = [];
        const warm: number[] = [];
        let info = "";
        const cpu0 = cpuMs(server.pid!);
        for (let i = 0; i < Math.max(3, Math.round(runs / 4)); i++) {
          await touch();
          cold.push((await get(path, encoding)).ms);
        }
        const cpu1 = cpuMs(server.pid!);
        for (let i = 0; i < runs; i++) {
          const r = await get(path, encoding);
          warm.push(r.ms);
          info = `${r.encoding}, ${(r.bytes / 1024).toFixed(0)} KiB sent`;
        }
        const cpu2 = cpuMs(server.pid!);
        console.log(`${path} [${encoding}] (${info})`);
        console.log(`  cold (first request after a change): ${fmt(cold)}; server CPU ${((cpu1 - cpu0) / cold.length).toFixed(0)} ms/request`);
        console.log(`  warm: ${fmt(warm)}; server CPU ${((cpu2 - cpu1) / warm.length).toFixed(1)} ms/request`);
      }
    }
    await other.close();
  }

  if (!values["no-browser"]) {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    const shown: number[] = [];
    const interactive: number[] = [];
    const sortClick: number[] = [];
    const mainCpu: number[] = [];
    const phases: Record<string, number[]> = { "document's first byte": [], "last script loaded": [], "users request started": [], "users response ended": [] };
    try {
      for (let i = 0; i < Number(values.loads); i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const signIn = await context.request.post(`${base}/api/v1/session`, { data: { username: user, apiKey: key } });
        if (!signIn.ok()) throw new Error(`sign-in: HTTP ${signIn.status()}`);
        const page = await context.newPage();
        await page.addInitScript(() => {
          const w = window as unknown as { __longTaskEnd: number; __shown: number };
          w.__longTaskEnd = 0;
          w.__shown = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) w.__longTaskEnd = Math.max(w.__longTaskEnd, e.startTime + e.duration);
          }).observe({ type: "longtask", buffered: true });
          new MutationObserver(() => {
            if (w.__shown) return;
            const rows = document.querySelectorAll('table[aria-label] tbody tr:not([aria-hidden="true"])').length;
            if (rows > 5 && /users · as of/.test(document.body.innerText.slice(0, 5000))) w.__shown = performance.now();
          }).observe(document, { childList: true, subtree: true, characterData: true });
        });
        await page.goto("about:blank");
        const trace = !values["no-trace"];
        if (trace) await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
        await page.goto(`${base}/org/dashboard`);
        await page.waitForFunction(() => (window as unknown as { __shown: number }).__shown > 0, undefined, { timeout: 60_000 });
        if (trace) mainCpu.push(mainThreadCpuMs(await browser.stopTracing(), await page.evaluate(() => (window as unknown as { __shown: number }).__shown)));
        // Where the time went: the page's own resource timing (ms from navigation start).
        const timing = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
          const users = res.find((r) => r.name.includes("/api/v1/users"));
          const scripts = res.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
          return {
            doc: nav.responseStart,
            scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)),
            usersStart: users?.startTime ?? -1,
            usersEnd: users?.responseEnd ?? -1,
          };
        });
        phases["document's first byte"]!.push(timing.doc);
        phases["last script loaded"]!.push(timing.scripts);
        phases["users request started"]!.push(timing.usersStart);
        phases["users response ended"]!.push(timing.usersEnd);
        // Quiet for a second: no long task pending.
        await page.waitForTimeout(1_000);
        const m = await page.evaluate(() => {
          const w = window as unknown as { __longTaskEnd: number; __shown: number };
          return { shown: w.__shown, longTaskEnd: w.__longTaskEnd };
        });
        shown.push(m.shown);
        interactive.push(Math.max(m.shown, m.longTaskEnd));
        const header = page.getByRole("button", { name: /^Active days|^Number of active days/ }).first();
        const t = Date.now();
        await header.click();
        await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"], th[aria-sort="ascending"]') !== null);
        sortClick.push(Date.now() - t);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    console.log(`Users page, Chromium, ${values.loads} cold loads (new context each):`);
    console.log(`  table with rows and count shown: ${fmt(shown)}`);
    console.log(`  interactive (shown, and the last long task over): ${fmt(interactive)}`);
    console.log(`  sort by active days, click → sorted: ${fmt(sortClick)}`);
    if (mainCpu.length > 0) console.log(`  the page's main-thread CPU until shown (traced loads): ${fmt(mainCpu)}`);
    for (const [name, ms] of Object.entries(phases)) console.log(`  ${name}: ${fmt(ms)}`);
  }
  console.log(`load average ${spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim()}`);
} finally {
  stop();
}
