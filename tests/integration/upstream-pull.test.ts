// `orgtrail pull` against a second orgtrail server as the upstream, and against scripted fakes:
// everything exactly once, resume from the checkpoint, duplicates absorbed, retries, 401, kill -9.
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { startFakeUpstream, startProxy, spawnCli, type LoopbackServer } from "../support/http-fakes";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const TODAY = "2026-02-28";

/** `n` events spread over February 2026, a few sharing timestamps. */
function makeEvents(n: number, tag: string, days = 28, month = "2026-02"): string[] {
  const lines: string[] = [];
  const actions = ["user:login", "project:read", "run:update", "artifact:read", "report:read"];
  for (let i = 0; i < n; i++) {
    const day = 1 + (i % days);
    const sec = Math.floor(i / days) % 3600;
    const ts = `${month}-${String(day).padStart(2, "0")}T${String(8 + Math.floor(sec / 600)).padStart(2, "0")}:${String(Math.floor(sec / 10) % 60).padStart(2, "0")}:${String(sec % 10).padStart(2, "0")}Z`;
    lines.push(
      JSON.stringify({
        action: actions[i % actions.length],
        timestamp: ts,
        actor_email: `${tag}${i % 50}@acme.test`,
        actor_ip: "192.0.2.7",
        project_name: `p${i}`,
      }),
    );
  }
  return lines;
}

/** Every stored event body of an organization, sorted (a multiset to compare stores with). */
async function storedBodies(databaseUrl: string, org = "default", beforeDay = "9999-12-31"): Promise<string[]> {
  const store = await openStore(databaseUrl);
  try {
    const rows = await store.db
      .selectFrom("events")
      .innerJoin("organizations", "organizations.id", "events.org_id")
      .select("events.body")
      .where("organizations.slug", "=", org)
      .where("events.ts", "<", Date.parse(`${beforeDay}T00:00:00Z`))
      .execute();
    return rows.map((r) => r.body).sort();
  } finally {
    await store.close();
  }
}

async function checkpoints(databaseUrl: string): Promise<Record<string, unknown>[]> {
  const store = await openStore(databaseUrl);
  try {
    const rows = await store.db.selectFrom("job_state").select(["name", "checkpoint"]).where("name", "like", "upstream-pull:%").execute();
    return rows.map((r) => ({ name: r.name, ...(JSON.parse(r.checkpoint ?? "{}") as object) }));
  } finally {
    await store.close();
  }
}

const summaryOf = (stdout: string) => {
  const m = /fetched (\d+), accepted (\d+), duplicates (\d+), rejected (\d+)/.exec(stdout);
  if (!m) throw new Error(`no summary in ${JSON.stringify(stdout)}`);
  return { fetched: Number(m[1]), accepted: Number(m[2]), duplicates: Number(m[3]), rejected: Number(m[4]) };
};

describe("orgtrail pull from another orgtrail server", () => {
  let upstream: RunningServer;
  let upstreamDb: string;
  let key: string;
  let file: string;
  const dir = () => mkdtempSync(join(testTmpRoot(), "pull-"));
  const lines = makeEvents(3000, "a");
  const pull = (databaseUrl: string, url: string, extra: string[] = [], env: Record<string, string> = {}) =>
    runCli(["pull", "--url", url, "--username", "root", "--api-key", key, ...extra], {
      databaseUrl,
      env: { ORGTRAIL_TODAY: TODAY, ...env },
      timeoutMs: 120_000,
    });

  beforeAll(async () => {
    upstreamDb = await createTestDatabaseUrl();
    file = join(dir(), "events.ndjson");
    writeFileSync(file, lines.join("\n") + "\n");
    key = (await runCli(["admin", "create", "root"], { databaseUrl: upstreamDb })).stdout.trim();
    expect((await runCli(["ingest", file], { databaseUrl: upstreamDb })).code).toBe(0);
    upstream = await startServer({ databaseUrl: upstreamDb, env: { ORGTRAIL_TODAY: TODAY } });
  });
  afterAll(async () => upstream?.stop());

  it("pulls everything exactly once, then resumes from its checkpoint", { timeout: 240_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const proxy = await startProxy(upstream.baseUrl);
    try {
      const first = await pull(db, proxy.baseUrl, ["--since", "2026-02-01"]);
      expect(first.code, first.stderr).toBe(0);
      expect(summaryOf(first.stdout)).toEqual({ fetched: 3000, accepted: 3000, duplicates: 0, rejected: 0 });
      expect(await storedBodies(db)).toEqual(await storedBodies(upstreamDb, "default", "2026-03-01"));
      // 28 days in windows of at most 8 (numDays ≤ 7), JSON pages (limit) oldest first.
      expect(proxy.requests.map((u) => new URL(u, "http://x").searchParams.get("startDate"))).toEqual(["2026-02-08", "2026-02-16", "2026-02-24", "2026-02-28"]);
      expect(proxy.requests.every((u) => /numDays=[0-7]&limit=10000$/.test(u))).toBe(true);
      expect(await checkpoints(db)).toEqual([expect.objectContaining({ nextDay: TODAY })]);

      // Again: only today, which is never complete, is fetched again; the store absorbs it.
      proxy.requests.length = 0;
      const today = lines.filter((l) => l.includes(`"${TODAY}T`)).length;
      const again = await pull(db, proxy.baseUrl);
      expect(again.code, again.stderr).toBe(0);
      expect(summaryOf(again.stdout)).toEqual({ fetched: today, accepted: 0, duplicates: today, rejected: 0 });
      expect(proxy.requests).toEqual([`/admin/audit_logs?startDate=${TODAY}&numDays=0&limit=10000`]);

      // Days later, with new events upstream: from the checkpoint day to the new today, nothing before.
      const later = makeEvents(40, "b", 2, "2026-03");
      appendFileSync(file, later.join("\n") + "\n");
      expect((await runCli(["ingest", file], { databaseUrl: upstreamDb })).code).toBe(0);
      proxy.requests.length = 0;
      const resumed = await pull(db, proxy.baseUrl, [], { ORGTRAIL_TODAY: "2026-03-02" });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(summaryOf(resumed.stdout)).toMatchObject({ accepted: 40, duplicates: today });
      expect(proxy.requests).toEqual(["/admin/audit_logs?startDate=2026-03-02&numDays=2&limit=10000"]);
      expect(await storedBodies(db)).toEqual(await storedBodies(upstreamDb));
    } finally {
      await proxy.close();
    }
  });

  it("absorbs events it already has and routes them to --org", { timeout: 120_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const part = join(dir(), "part.ndjson");
    writeFileSync(part, lines.slice(0, 700).join("\n") + "\n");
    expect((await runCli(["ingest", part, "--org", "acme"], { databaseUrl: db })).code).toBe(0);
    const result = await pull(db, upstream.baseUrl, ["--since", "2026-02-01", "--org", "acme", "--page-size", "500"]);
    expect(result.code, result.stderr).toBe(0);
    expect(summaryOf(result.stdout)).toEqual({ fetched: 3000, accepted: 2300, duplicates: 700, rejected: 0 });
    expect(await storedBodies(db, "acme")).toEqual(await storedBodies(upstreamDb, "default", "2026-03-01"));
    expect(await storedBodies(db, "default")).toEqual([]);
  });

  it("stops with exit 2 and the status named on wrong credentials", async () => {
    const db = await createTestDatabaseUrl();
    const result = await runCli(["pull", "--url", upstream.baseUrl, "--username", "root", "--api-key", "otk_wrong"], {
      databaseUrl: db,
      env: { ORGTRAIL_TODAY: TODAY },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("upstream answered 401 Unauthorized: check the username and API key (invalid username or API key)");
  });

  it("loses and doubles nothing when killed -9 mid-run", { timeout: 240_000 }, async () => {
    const db = await createTestDatabaseUrl();
    const proxy = await startProxy(upstream.baseUrl, 150);
    try {
      const env = { ORGTRAIL_DATABASE_URL: db, ORGTRAIL_TODAY: TODAY };
      const args = ["pull", "--url", proxy.baseUrl, "--username", "root", "--api-key", key, "--since", "2026-02-01", "--page-size", "60"];
      const victim = spawnCli(args, env);
      const deadline = Date.now() + 90_000;
      while (proxy.answered() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(proxy.answered()).toBeGreaterThanOrEqual(8);
      victim.kill9();
      const killed = await victim.done;
      expect(killed.signal).toBe("SIGKILL");
      const before = (await storedBodies(db)).length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(3000);

      proxy.requests.length = 0;
      const rest = await runCli(
        args.filter((a, i) => a !== "--since" && args[i - 1] !== "--since"),
        { databaseUrl: db, env: { ORGTRAIL_TODAY: TODAY }, timeoutMs: 180_000 },
      );
      expect(rest.code, rest.stderr).toBe(0);
      // It resumed inside the window it was paging, from the saved cursor.
      expect(proxy.requests[0]).toContain("cursor=");
      const stored = await storedBodies(db);
      expect(stored).toHaveLength(3000);
      expect(stored).toEqual(await storedBodies(upstreamDb, "default", "2026-03-01"));
      expect(summaryOf(rest.stdout).accepted).toBe(3000 - before);
    } finally {
      await proxy.close();
    }
  });
});

describe("orgtrail pull from a flaky NDJSON-only upstream", () => {
  const events = makeEvents(30, "c").filter((l) => /"2026-02-(2\d)T/.test(l));
  const windowOf = (url: URL) => {
    const start = Date.parse(`${url.searchParams.get("startDate")}T00:00:00Z`) + 86_400_000;
    const from = start - (Number(url.searchParams.get("numDays")) + 1) * 86_400_000;
    return events.filter((l) => {
      const t = Date.parse((JSON.parse(l) as { timestamp: string }).timestamp);
      return t >= from && t < start;
    });
  };
  let fake: LoopbackServer | undefined;
  afterAll(async () => fake?.close());

  it("retries 429 (honouring Retry-After), 503 and a cut stream, then ingests NDJSON windows", { timeout: 120_000 }, async () => {
    fake = await startFakeUpstream((url, i, res) => {
      if (i === 0) {
        res.writeHead(429, { "Retry-After": "1", "Content-Type": "text/plain" });
        return void res.end("slow down");
      }
      if (i === 1) {
        res.writeHead(503, { "Content-Type": "application/json" });
        return void res.end('{"error":{"message":"maintenance"}}');
      }
      const body = windowOf(url).join("\n") + "\n";
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      if (i === 2) {
        res.write(body.slice(0, Math.floor(body.length / 2)));
        setTimeout(() => res.destroy(), 50);
        return;
      }
      res.end(body);
    });
    const db = await createTestDatabaseUrl();
    const started = Date.now();
    const result = await runCli(["pull", "--url", fake.baseUrl, "--username", "u", "--api-key", "k", "--since", "2026-02-20"], {
      databaseUrl: db,
      env: { ORGTRAIL_TODAY: TODAY },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.stderr).toMatch(/upstream answered 429 \(slow down\); retry 1 in 1\.0 s/);
    expect(result.stderr).toMatch(/upstream answered 503 \(maintenance\); retry 2 in/);
    expect(result.stderr).toMatch(/network error: .*; retry 3 in/);
    expect(summaryOf(result.stdout)).toMatchObject({ accepted: events.length, rejected: 0 });
    expect(await storedBodies(db)).toHaveLength(events.length);
    // Two windows (2026-02-20..27, 2026-02-28) after three failed attempts at the first.
    expect(fake.requests).toHaveLength(5);
    expect(fake.requests.every((u) => u.includes("limit=10000"))).toBe(true);
  });

  it("stops at once on 401 with exit 2, without retrying", async () => {
    const denied = await startFakeUpstream((_url, _i, res) => {
      res.writeHead(401, { "WWW-Authenticate": "Basic", "Content-Type": "application/json" });
      res.end('{"error":{"code":"unauthorized","message":"invalid username or API key"}}');
    });
    try {
      const db = await createTestDatabaseUrl();
      const result = await runCli(["pull", "--url", denied.baseUrl, "--username", "u", "--api-key", "k"], { databaseUrl: db, env: { ORGTRAIL_TODAY: TODAY } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("orgtrail: pull stopped: upstream answered 401 Unauthorized");
      expect(summaryOf(result.stdout)).toEqual({ fetched: 0, accepted: 0, duplicates: 0, rejected: 0 });
      expect(denied.requests).toHaveLength(1);
    } finally {
      await denied.close();
    }
  });

  it("exits 1 when the upstream sends lines the store rejects", async () => {
    const bad = await startFakeUpstream((_url, i, res) => {
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      res.end(i === 0 ? `${events[0]}\n{"action":"user:login"}\nnot json\n` : "");
    });
    try {
      const db = await createTestDatabaseUrl();
      const result = await runCli(["pull", "--url", bad.baseUrl, "--username", "u", "--api-key", "k", "--since", TODAY], {
        databaseUrl: db,
        env: { ORGTRAIL_TODAY: TODAY },
      });
      expect(result.code).toBe(1);
      expect(summaryOf(result.stdout)).toEqual({ fetched: 3, accepted: 1, duplicates: 0, rejected: 2 });
      expect(result.stderr).toMatch(/pull 2026-02-28: line 2: /);
    } finally {
      await bad.close();
    }
  });
});

describe("orgtrail pull and the SSRF guard", () => {
  it("refuses the cloud metadata address, an operator URL's one forbidden place, unless allowed", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    for (const url of ["http://169.254.169.254/admin/audit_logs", "http://[fd00:ec2::254]", "http://2852039166"]) {
      const r = await runCli(["pull", "--url", url, "--username", "u", "--api-key", "k"], { databaseUrl, env: { ORGTRAIL_ALLOWED_HOSTS: "" } });
      expect(r.code, url).toBe(2);
      expect(r.stderr).toMatch(
        /resolves to (169\.254\.169\.254|fd00:ec2::254), a link-local, cloud metadata or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS/,
      );
    }
  });

  it("does not follow a redirect, even to a host the admin allowed", { timeout: 120_000 }, async () => {
    // The upstream (an operator URL: loopback is fine) answers 302 to another loopback server,
    // which stands in for a metadata address: it must never be reached.
    const target = await startFakeUpstream((_url, _i, res) => {
      res.writeHead(200, { "Content-Type": "application/x-ndjson" });
      res.end("");
    });
    const redirecting = await startFakeUpstream((_url, _i, res) => {
      res.writeHead(302, { Location: `${target.baseUrl}/latest/meta-data/` });
      res.end();
    });
    try {
      const databaseUrl = await createTestDatabaseUrl();
      const r = await runCli(["pull", "--url", redirecting.baseUrl, "--username", "u", "--api-key", "k", "--since", TODAY], {
        databaseUrl,
        env: { ORGTRAIL_TODAY: TODAY },
        timeoutMs: 110_000,
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/redirect/i);
      expect(redirecting.requests.length).toBeGreaterThan(0);
      expect(target.requests).toHaveLength(0);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });
});
