// Two servers chained by ORGTRAIL_UPSTREAM_URL: the downstream's poller copies the upstream's log.
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const TODAY = "2026-02-28";
const WINDOW = "startDate=2026-02-28&numDays=27";

function events(n: number, tag: string, day: (i: number) => number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      action: i % 2 ? "user:login" : "run:update",
      timestamp: `2026-02-${String(day(i)).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z`,
      actor_email: `${tag}${i % 9}@acme.test`,
      project_name: `p${i}`,
    }),
  );
}

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

describe("upstream poller (ORGTRAIL_UPSTREAM_URL)", () => {
  let upstream: RunningServer;
  let downstream: RunningServer;
  let upstreamDb: string;
  let downstreamDb: string;
  let upKey: string;
  let downKey: string;
  let file: string;

  const log = async (server: RunningServer, key: string) => {
    const res = await fetch(`${server.baseUrl}/admin/audit_logs?${WINDOW}`, { headers: basic("root", key) });
    expect(res.status).toBe(200);
    return res.text();
  };
  const waitForSameLog = async (ms: number) => {
    const deadline = Date.now() + ms;
    let want = "";
    let got = "";
    while (Date.now() < deadline) {
      [want, got] = await Promise.all([log(upstream, upKey), log(downstream, downKey)]);
      if (got === want) return got;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(got).toBe(want);
    return got;
  };

  beforeAll(async () => {
    upstreamDb = await createTestDatabaseUrl();
    downstreamDb = await createTestDatabaseUrl();
    file = join(mkdtempSync(join(testTmpRoot(), "poller-")), "events.ndjson");
    writeFileSync(file, events(300, "a", (i) => 1 + (i % 28)).join("\n") + "\n");
    upKey = (await runCli(["admin", "create", "root"], { databaseUrl: upstreamDb })).stdout.trim();
    downKey = (await runCli(["admin", "create", "root"], { databaseUrl: downstreamDb })).stdout.trim();
    expect((await runCli(["ingest", file], { databaseUrl: upstreamDb })).code).toBe(0);
    upstream = await startServer({ databaseUrl: upstreamDb, env: { ORGTRAIL_TODAY: TODAY } });
    downstream = await startServer({
      databaseUrl: downstreamDb,
      env: {
        ORGTRAIL_TODAY: TODAY,
        ORGTRAIL_UPSTREAM_URL: upstream.baseUrl,
        ORGTRAIL_UPSTREAM_USERNAME: "root",
        ORGTRAIL_UPSTREAM_API_KEY: upKey,
        ORGTRAIL_UPSTREAM_INTERVAL_SECONDS: "1",
        ORGTRAIL_UPSTREAM_SINCE: "2026-02-01",
      },
    });
  });
  afterAll(async () => {
    await downstream?.stop();
    await upstream?.stop();
  });

  it("copies the upstream's log, then keeps polling today", { timeout: 120_000 }, async () => {
    const first = await waitForSameLog(60_000);
    expect(first.split("\n").filter(Boolean)).toHaveLength(300);
    appendFileSync(file, events(5, "late", () => 28).join("\n") + "\n");
    expect((await runCli(["ingest", file], { databaseUrl: upstreamDb })).code).toBe(0);
    const second = await waitForSameLog(60_000);
    expect(second.split("\n").filter(Boolean)).toHaveLength(305);

    const store = await openStore(downstreamDb);
    try {
      const states = await store.db.selectFrom("job_state").select(["name", "checkpoint", "last_success_at", "last_error"]).execute();
      const job = states.find((s) => s.name === "upstream-pull");
      expect(job?.last_success_at).not.toBeNull();
      const checkpoint = states.find((s) => s.name.startsWith("upstream-pull:default:"));
      expect(JSON.parse(checkpoint!.checkpoint!)).toEqual({ v: 1, nextDay: TODAY, firstDay: "2026-02-01" });
    } finally {
      await store.close();
    }
  });
});
