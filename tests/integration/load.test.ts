// Load smoke (the CI-sized `npm run load`): autocannon over the dashboard API, then over
// /admin/audit_logs, for a few seconds each WHILE events held back from the organization's history
// are ingested through POST /api/v1/ingest and `orgtrail ingest -` at once: no error, no non-2xx answer, and
// every line of the concurrent ingest stored exactly once. No latency assertion (shared machines).
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_LOGS, BatchQueue, countStoredEvents, DASHBOARD_MIX, runScenario, scenarioProblems, writeLoadData, type LoadData } from "../support/load";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const HISTORY = 3000;
const BATCH = 100;
// Per scenario: the CLI is handed 6,000 lines at once, so it commits a 5,000-line transaction
// during the load; the HTTP feeder POSTs 100 lines every 250 ms meanwhile (two writers at once).
const CLI_BATCHES = 60;
const HTTP_BATCHES = 20;
const LIVE = 2 * (CLI_BATCHES + HTTP_BATCHES) * BATCH;

describe("the server under load while an ingest runs", () => {
  let server: RunningServer;
  let databaseUrl: string;
  let auth: Record<string, string>;
  let data: LoadData;

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "load-"));
    const endDate = new Date().toISOString().slice(0, 10);
    data = await writeLoadData({ seed: 7, users: 40, events: HISTORY + LIVE, days: 90, endDate, live: LIVE, batchLines: BATCH, dir });
    const seeded = await runCli(["ingest", data.eventsFile], { databaseUrl });
    expect(seeded.stdout.trim()).toBe(`accepted ${HISTORY}, duplicates 0, rejected 0`);
    expect((await runCli(["import-users", data.usersCsvFile], { databaseUrl })).code).toBe(0);
    const key = (await runCli(["admin", "create", "load"], { databaseUrl })).stdout.trim();
    auth = { Authorization: `Basic ${Buffer.from(`load:${key}`).toString("base64")}` };
    server = await startServer({ databaseUrl });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers every request 2xx and stores every concurrently ingested line once", async () => {
    expect(await countStoredEvents(databaseUrl)).toBe(HISTORY);
    const per = CLI_BATCHES + HTTP_BATCHES;
    const scenarios = [DASHBOARD_MIX, AUDIT_LOGS].map((routes, k) => ({
      routes,
      cli: new BatchQueue(data.batches.slice(k * per, k * per + CLI_BATCHES)),
      http: new BatchQueue(data.batches.slice(k * per + CLI_BATCHES, (k + 1) * per)),
    }));
    let sent = 0;
    for (const s of scenarios) {
      const r = await runScenario({
        name: s.routes[0]!.path,
        routes: s.routes,
        baseUrl: server.baseUrl,
        auth,
        durationSeconds: 5,
        connections: 2,
        // Generous: a busy CI machine may be slow, but must never fail a request.
        timeoutSeconds: 30,
        ingest: { http: { queue: s.http, paceMs: 250 }, cli: { queue: s.cli, databaseUrl } },
      });
      expect(scenarioProblems(r), server.output().stderr.slice(-2000)).toEqual([]);
      expect([r.errors, r.timeouts, r.non2xx]).toEqual([0, 0, 0]);
      expect(r.requests).toBeGreaterThan(0);
      for (const route of r.routes)
        expect(
          Object.keys(route.statuses).filter((code) => code !== "200"),
          route.path,
        ).toEqual([]);
      // Both ingest paths ran during the load, and what each sent was accepted, none lost or doubled.
      expect(r.ingest.map((i) => i.mode)).toEqual(["HTTP", "CLI"]);
      for (const i of r.ingest) {
        expect(i.failures, i.mode).toEqual([]);
        expect(i.lines, i.mode).toBeGreaterThan(0);
        expect([i.accepted, i.duplicates, i.rejected], i.mode).toEqual([i.lines, 0, 0]);
        sent += i.lines;
      }
    }
    expect(await countStoredEvents(databaseUrl)).toBe(HISTORY + sent);
  }, 180_000);
});
