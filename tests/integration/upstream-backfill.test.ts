// A first pull copies the upstream's whole history (docs/UPSTREAM_PULL.md "Backfill"): two built
// orgtrail servers on 127.0.0.1 with no allow list and no --since, two years of sparse data; the
// CLI's probing, progress and kill -9 resume; an NDJSON-only upstream; multi-tenant's cap.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { startFakeUpstream, startProxy, spawnCli } from "../support/http-fakes";
import { PROJECT_ROOT, runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const TODAY = "2026-02-28";
const DAY_MS = 86_400_000;
const todayMs = Date.parse(`${TODAY}T00:00:00Z`);
const dayOf = (offset: number) => new Date(todayMs - offset * DAY_MS).toISOString().slice(0, 10);
/** 732 days before today: the history spans two years, far more than the old 90-day start. */
const EARLIEST_OFFSET = 732;
const EARLIEST = dayOf(EARLIEST_OFFSET);

/** Sparse events over two years: the earliest day (at midnight exactly), one day in ~23, and today. */
function history(): string[] {
  const lines: string[] = [];
  const actions = ["user:login", "run:update", "project:read", "artifact:read"];
  for (let offset = EARLIEST_OFFSET; offset >= 0; offset--) {
    if (offset !== EARLIEST_OFFSET && offset !== 0 && (offset * 37) % 23 !== 0) continue;
    const n = 1 + (offset % 4);
    for (let i = 0; i < n; i++) {
      const time =
        offset === EARLIEST_OFFSET && i === 0
          ? "00:00:00.000"
          : i === 1
            ? "23:59:59.999"
            : `${String(8 + i).padStart(2, "0")}:${String(offset % 60).padStart(2, "0")}:00.000`;
      lines.push(
        JSON.stringify({
          action: actions[(offset + i) % actions.length],
          timestamp: `${dayOf(offset)}T${time}Z`,
          actor_email: `u${offset % 7}@acme.test`,
          project_name: `p${offset}-${i}`,
        }),
      );
    }
  }
  return lines;
}

const LINES = history();
const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

async function storedBodies(databaseUrl: string, org = "default"): Promise<string[]> {
  const store = await openStore(databaseUrl);
  try {
    const rows = await store.db
      .selectFrom("events")
      .innerJoin("organizations", "organizations.id", "events.org_id")
      .select("events.body")
      .where("organizations.slug", "=", org)
      .execute();
    return rows.map((r) => r.body).sort();
  } finally {
    await store.close();
  }
}

async function pullRows(databaseUrl: string) {
  const store = await openStore(databaseUrl);
  try {
    const rows = await store.db.selectFrom("job_state").select(["name", "checkpoint", "progress"]).where("name", "like", "upstream-pull:%").execute();
    return rows.map((r) => ({
      name: r.name,
      checkpoint: JSON.parse(r.checkpoint ?? "null") as Record<string, unknown> | null,
      progress: JSON.parse(r.progress ?? "null") as Record<string, unknown> | null,
    }));
  } finally {
    await store.close();
  }
}

const params = (u: string) => new URL(u, "http://x").searchParams;
const isProbe = (u: string) => params(u).get("limit") === "1";

describe("a first pull copies the whole history", () => {
  let upstream: RunningServer;
  let upstreamDb: string;
  let key: string;

  beforeAll(async () => {
    upstreamDb = await createTestDatabaseUrl();
    const file = join(mkdtempSync(join(testTmpRoot(), "backfill-")), "history.ndjson");
    writeFileSync(file, LINES.join("\n") + "\n");
    key = (await runCli(["admin", "create", "root"], { databaseUrl: upstreamDb })).stdout.trim();
    expect((await runCli(["ingest", file], { databaseUrl: upstreamDb })).code).toBe(0);
    upstream = await startServer({ databaseUrl: upstreamDb, env: { ORGTRAIL_TODAY: TODAY } });
  });
  afterAll(async () => upstream?.stop());

  it("a second server on 127.0.0.1 pulls all of it with no allow list and no since, and answers every window as the first", { timeout: 240_000 }, async () => {
    const downstreamDb = await createTestDatabaseUrl();
    const downKey = (await runCli(["admin", "create", "root"], { databaseUrl: downstreamDb })).stdout.trim();
    const downstream = await startServer({
      databaseUrl: downstreamDb,
      env: {
        ORGTRAIL_TODAY: TODAY,
        ORGTRAIL_ALLOWED_HOSTS: undefined,
        ORGTRAIL_UPSTREAM_SINCE: undefined,
        ORGTRAIL_UPSTREAM_URL: upstream.baseUrl,
        ORGTRAIL_UPSTREAM_USERNAME: "root",
        ORGTRAIL_UPSTREAM_API_KEY: key,
        ORGTRAIL_UPSTREAM_INTERVAL_SECONDS: "1",
      },
    });
    try {
      const deadline = Date.now() + 120_000;
      let rows = await pullRows(downstreamDb);
      while (Date.now() < deadline && rows[0]?.progress?.phase !== "done") {
        await new Promise((r) => setTimeout(r, 500));
        rows = await pullRows(downstreamDb);
      }
      expect(rows, downstream.output().stderr).toHaveLength(1);
      expect(rows[0]!.checkpoint).toEqual({ v: 1, nextDay: TODAY, firstDay: EARLIEST });
      expect(rows[0]!.progress).toMatchObject({
        v: 1,
        phase: "done",
        firstDay: EARLIEST,
        today: TODAY,
        daysDone: EARLIEST_OFFSET + 1,
        daysTotal: EARLIEST_OFFSET + 1,
        error: null,
      });
      expect(downstream.output().stderr).toContain(`the upstream's history starts on ${EARLIEST} (earliest-event)`);

      const answer = async (server: RunningServer, k: string, query: string) => {
        const res = await fetch(`${server.baseUrl}/admin/audit_logs?${query}`, { headers: basic("root", k) });
        expect(res.status, query).toBe(200);
        return res.text();
      };
      // Every 8-day window from before the earliest day to today, and the whole span at once.
      const queries = [`startDate=${TODAY}&numDays=${EARLIEST_OFFSET + 30}`];
      for (let last = 0; last <= EARLIEST_OFFSET + 8; last += 8) queries.push(`startDate=${dayOf(last)}&numDays=7`);
      let nonEmpty = 0;
      for (const q of queries) {
        const [want, got] = await Promise.all([answer(upstream, key, q), answer(downstream, downKey, q)]);
        expect(got, q).toBe(want);
        if (want !== "") nonEmpty++;
      }
      const whole = await answer(downstream, downKey, queries[0]!);
      expect(whole.split("\n").filter(Boolean)).toHaveLength(LINES.length);
      expect(nonEmpty).toBeGreaterThan(20);
    } finally {
      await downstream.stop();
    }
  });

  it("the CLI finds the earliest day in two requests, then walks forward with progress", { timeout: 180_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const proxy = await startProxy(upstream.baseUrl);
    try {
      const r = await runCli(["pull", "--url", proxy.baseUrl, "--username", "root", "--api-key", key], {
        databaseUrl: db,
        env: { ORGTRAIL_TODAY: TODAY },
        timeoutMs: 170_000,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`fetched ${LINES.length}, accepted ${LINES.length}, duplicates 0, rejected 0`);
      expect(r.stderr).toContain(`pull: the upstream's history starts on ${EARLIEST} (earliest-event): ${EARLIEST_OFFSET + 1} days to fetch`);
      expect(r.stderr).toMatch(
        new RegExp(`pull: ${EARLIEST_OFFSET + 1}/${EARLIEST_OFFSET + 1} days \\(100%\\), ${LINES.length} events, [\\d,]+/s, done in \\d+`),
      );
      // Two probes (the last 8 days, then 1970..today), each one event at most; then the walk.
      expect(proxy.requests.slice(0, 2).map((u) => [params(u).get("startDate"), params(u).get("numDays"), params(u).get("limit")])).toEqual([
        [TODAY, "7", "1"],
        [TODAY, String(Math.round(todayMs / DAY_MS)), "1"],
      ]);
      const walk = proxy.requests.slice(2);
      expect(walk.some(isProbe)).toBe(false);
      expect(params(walk[0]!).get("startDate")).toBe(dayOf(EARLIEST_OFFSET - 7));
      expect(walk).toHaveLength(Math.ceil((EARLIEST_OFFSET + 1) / 8));
      expect(await storedBodies(db)).toEqual(await storedBodies(upstreamDb));
    } finally {
      await proxy.close();
    }
  });

  it("on a terminal, keeps one progress line updated in place", { timeout: 120_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const command = [
      "exec",
      process.execPath,
      join(PROJECT_ROOT, "bin/orgtrail.mjs"),
      "pull",
      "--url",
      upstream.baseUrl,
      "--username",
      "root",
      "--api-key",
      key,
    ]
      .map(quote)
      .join(" ");
    // util-linux `script` gives the CLI a pseudo-terminal, as a user's shell would.
    const r = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 110_000,
      env: { ...process.env, ORGTRAIL_DATABASE_URL: db, ORGTRAIL_TODAY: TODAY, ORGTRAIL_DEMO: "0", NEXT_TELEMETRY_DISABLED: "1" },
    });
    expect(r.status, r.stdout).toBe(0);
    const updates = r.stdout
      .split("\r\x1b[2K")
      .filter((part) => /^pull \d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?: \d+\/733 days \(\d+%\), [\d,]+ events, [\d,]+\/s/.test(part));
    expect(updates.length).toBeGreaterThan(10);
    expect(updates.some((u) => /ETA \d/.test(u))).toBe(true);
    // Updates overwrite each other: no newline between them, one final line when done.
    expect(updates.slice(0, -1).every((u) => !u.includes("\n"))).toBe(true);
    expect(r.stdout).toMatch(/pull: 733\/733 days \(100%\), \d+ events, [\d,]+\/s, done in \d+/);
  });

  it("loses and doubles nothing when killed -9 while probing and mid-backfill", { timeout: 240_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const proxy = await startProxy(upstream.baseUrl, 60);
    const args = ["pull", "--url", proxy.baseUrl, "--username", "root", "--api-key", key];
    const env = { ORGTRAIL_DATABASE_URL: db, ORGTRAIL_TODAY: TODAY };
    const killAfter = async (answers: number) => {
      proxy.requests.length = 0;
      const before = proxy.answered();
      const victim = spawnCli(args, env);
      const deadline = Date.now() + 90_000;
      while (proxy.answered() - before < answers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      victim.kill9();
      expect((await victim.done).signal).toBe("SIGKILL");
    };
    try {
      await killAfter(1); // while probing: nothing is saved yet, the next run probes again
      await killAfter(30); // mid-walk, the history's start already in the checkpoint
      const partial = (await storedBodies(db)).length;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(LINES.length);
      const [row] = await pullRows(db);
      expect(row!.checkpoint).toMatchObject({ firstDay: EARLIEST });
      expect(row!.progress).toMatchObject({ phase: "fetching", firstDay: EARLIEST });

      proxy.requests.length = 0;
      const rest = await runCli(args, { databaseUrl: db, env: { ORGTRAIL_TODAY: TODAY }, timeoutMs: 180_000 });
      expect(rest.code, rest.stderr).toBe(0);
      expect(proxy.requests.some(isProbe)).toBe(false); // resumed from the checkpoint, no second probe
      expect(rest.stdout).toContain(`accepted ${LINES.length - partial},`);
      expect(await storedBodies(db)).toEqual(await storedBodies(upstreamDb));
    } finally {
      await proxy.close();
    }
  });

  it("from an NDJSON-only upstream (no limit, no cursor): probes back in growing windows, bisects, and copies everything", { timeout: 120_000 }, async () => {
    const events = LINES.map((l) => ({ line: l, ms: Date.parse((JSON.parse(l) as { timestamp: string }).timestamp) }));
    // A plain server: startDate/numDays only, `limit` ignored, lines newest first (order not promised).
    const plain = await startFakeUpstream((url, _i, res) => {
      const start = Date.parse(`${url.searchParams.get("startDate") ?? TODAY}T00:00:00Z`) + DAY_MS;
      const from = start - (Number(url.searchParams.get("numDays") ?? "0") + 1) * DAY_MS;
      const lines = events
        .filter((e) => e.ms >= from && e.ms < start)
        .map((e) => e.line)
        .reverse();
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      res.end(lines.length ? lines.join("\n") + "\n" : "");
    });
    try {
      const db = await createTestDatabaseUrl();
      const r = await runCli(["pull", "--url", plain.baseUrl, "--username", "u", "--api-key", "k"], {
        databaseUrl: db,
        env: { ORGTRAIL_TODAY: TODAY },
        timeoutMs: 110_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const m = /history starts on (\d{4}-\d{2}-\d{2}) \(bisected\)/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      // The start found is at most 7 days before the earliest event, never after it.
      const start = Date.parse(`${m![1]}T00:00:00Z`);
      expect(start).toBeLessThanOrEqual(Date.parse(`${EARLIEST}T00:00:00Z`));
      expect(start).toBeGreaterThan(Date.parse(`${EARLIEST}T00:00:00Z`) - 8 * DAY_MS);
      const walk = Math.ceil((todayMs - start) / DAY_MS / 8 + 1 / 8);
      // Probing back to 1970 takes ~12 requests and bisecting ~7: far fewer than the walk itself.
      expect(plain.requests.length - walk).toBeLessThanOrEqual(25);
      expect(await storedBodies(db)).toEqual(await storedBodies(upstreamDb));
      expect(r.stdout).toContain(`accepted ${LINES.length},`);
    } finally {
      await plain.close();
    }
  });

  it("--since and ORGTRAIL_UPSTREAM_SINCE still narrow a first pull", { timeout: 120_000 }, async () => {
    const since = dayOf(100);
    const expected = LINES.filter((l) => (JSON.parse(l) as { timestamp: string }).timestamp >= since).length;
    for (const [extra, env] of [
      [["--since", since], {}],
      [[], { ORGTRAIL_UPSTREAM_SINCE: since }],
    ] as const) {
      const db = await createTestDatabaseUrl();
      const proxy = await startProxy(upstream.baseUrl);
      try {
        const r = await runCli(["pull", "--url", proxy.baseUrl, "--username", "root", "--api-key", key, ...extra], {
          databaseUrl: db,
          env: { ORGTRAIL_TODAY: TODAY, ...env },
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`accepted ${expected},`);
        expect(proxy.requests.some(isProbe)).toBe(false);
        expect(params(proxy.requests[0]!).get("startDate")).toBe(dayOf(93));
      } finally {
        await proxy.close();
      }
    }
  });
});

describe("a first pull and the multi-tenant 7-day cap", () => {
  it("starts on 2025-05-08 with numDays ≤ 7, whether declared or detected from a capped range", { timeout: 180_000 }, async () => {
    const upstreamDb = await createTestDatabaseUrl();
    const file = join(mkdtempSync(join(testTmpRoot(), "backfill-mt-")), "history.ndjson");
    writeFileSync(file, LINES.join("\n") + "\n");
    const key = (await runCli(["admin", "create", "root"], { databaseUrl: upstreamDb })).stdout.trim();
    expect((await runCli(["ingest", file], { databaseUrl: upstreamDb, env: { ORGTRAIL_DEPLOYMENT: "multi-tenant" } })).code).toBe(0);
    const mt = await startServer({ databaseUrl: upstreamDb, env: { ORGTRAIL_TODAY: TODAY, ORGTRAIL_DEPLOYMENT: "multi-tenant" } });
    const proxy = await startProxy(mt.baseUrl);
    try {
      const since = "2025-05-08";
      const expected = (await storedBodies(upstreamDb)).filter((b) => (JSON.parse(b) as { timestamp: string }).timestamp >= since);
      for (const deployment of ["multi-tenant", "self-managed"]) {
        proxy.requests.length = 0;
        const db = await createTestDatabaseUrl();
        const r = await runCli(["pull", "--url", proxy.baseUrl, "--username", "root", "--api-key", key], {
          databaseUrl: db,
          env: { ORGTRAIL_TODAY: TODAY, ORGTRAIL_DEPLOYMENT: deployment },
          timeoutMs: 170_000,
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`history starts on ${since} (multi-tenant)`);
        const walk = proxy.requests.filter((u) => !isProbe(u));
        expect(params(walk[0]!).get("startDate")).toBe("2025-05-15");
        expect(walk.every((u) => Number(params(u).get("numDays")) <= 7)).toBe(true);
        // Declared: no probe at all; detected: the two probes, the second one cut by the upstream.
        expect(proxy.requests.filter(isProbe)).toHaveLength(deployment === "multi-tenant" ? 0 : 2);
        expect(await storedBodies(db)).toEqual(expected);
      }
    } finally {
      await proxy.close();
      await mt.stop();
    }
  });
});
