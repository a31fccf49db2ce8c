// kill -9 during a large ingest (docs/RELIABILITY.md, "Faults"): no acknowledged event is
// lost and no batch is half-stored, through the CLI and through POST /api/v1/ingest; the
// re-run completes with exact totals. On SQLite and PostgreSQL (the orgtrail process is
// killed, never the database).
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { countEvents, expectConsistentStore, startCliOnPty, waitFor, writeEventsFile } from "../support/faults";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

/** Events of the large file: several CLI batches (ORGTRAIL_FAULT_EVENTS to change). */
const LARGE = Number(process.env.ORGTRAIL_FAULT_EVENTS ?? "120000");
/** ingestNdjson's default batch, the one POST /api/v1/ingest uses. */
const SERVER_BATCH = 5000;

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe("kill -9 during a CLI ingest", () => {
  it("keeps every batch the progress line reported, whole, and none half; the re-run completes exactly", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "faults-kill-"));
    const file = join(dir, "large.ndjson");
    const keys = writeEventsFile(file, 5, LARGE);
    expect(new Set(keys).size).toBe(LARGE);

    const store = await openStore(databaseUrl);
    try {
      const cli = startCliOnPty(["ingest", file], databaseUrl);
      const ended = cli.exited.then(() => {
        throw new Error(`the CLI ended before it was killed:\n${cli.output()}`);
      });
      ended.catch(() => {}); // it does end, once killed
      await Promise.race([ended, waitFor("the first committed batch on the progress line", () => cli.reports().length > 0)]);
      // The first report comes right after the first commit: its count is the batch size.
      const batch = cli.reports()[0]!;
      // Kill it as soon as the store holds more than one batch: mid-way through the second
      // batch if a batch were not one transaction, right after its commit otherwise.
      await Promise.race([ended, waitFor("events past the first batch", async () => (await countEvents(store)) > batch)]);
      cli.kill9();
      await cli.exited;
      const reported = cli.reportedAccepted();
      expect(cli.output()).not.toMatch(/accepted \d+, duplicates/); // killed before its summary

      const stored = await countEvents(store);
      expect(stored).toBeGreaterThanOrEqual(reported); // nothing reported as committed is lost
      expect(stored).toBeLessThan(LARGE);
      expect(stored % batch).toBe(0); // whole batches only
      await expectConsistentStore(store, databaseUrl, keys.slice(0, stored));

      const again = await runCli(["ingest", file], { databaseUrl, timeoutMs: 120_000 });
      expect(again.stderr).toBe("");
      expect(again.stdout.trim()).toBe(`accepted ${LARGE - stored}, duplicates ${stored}, rejected 0`);
      expect(again.code).toBe(0);
      await expectConsistentStore(store, databaseUrl, keys);
    } finally {
      await store.close();
    }
  }, 300_000);
});

describe("kill -9 of the server during POST /api/v1/ingest", () => {
  it("keeps an acknowledged ingest whole, stores 0 or whole batches of the interrupted one, and recovers on restart", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "faults-kill-http-"));
    const small = join(dir, "acknowledged.ndjson");
    const large = join(dir, "interrupted.ndjson");
    const smallKeys = writeEventsFile(small, 21, 2 * SERVER_BATCH);
    const largeKeys = writeEventsFile(large, 22, 12 * SERVER_BATCH);
    expect(new Set([...smallKeys, ...largeKeys]).size).toBe(smallKeys.length + largeKeys.length);

    const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
    const headers = { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}`, "Content-Type": "application/x-ndjson" };
    const post = (baseUrl: string, path: string) => fetch(`${baseUrl}/api/v1/ingest`, { method: "POST", headers, body: readFileSync(path) });

    const first = await startServer({ databaseUrl });
    servers.push(first);
    const acknowledged = await post(first.baseUrl, small);
    expect(acknowledged.status).toBe(200);
    expect(await acknowledged.json()).toMatchObject({ accepted: smallKeys.length, duplicates: 0 });

    const store = await openStore(databaseUrl);
    try {
      const interrupted = post(first.baseUrl, large).then(
        (r) => r.status,
        () => "killed" as const,
      );
      // Past its first batch: mid-way through the second if a batch were not one transaction.
      await waitFor("events past the first batch of the second ingest", async () => (await countEvents(store)) > smallKeys.length + SERVER_BATCH);
      await first.kill("SIGKILL");
      expect(await interrupted).toBe("killed"); // it was not acknowledged

      const stored = (await countEvents(store)) - smallKeys.length;
      expect(stored).toBeLessThan(largeKeys.length);
      expect(stored % SERVER_BATCH).toBe(0);
      await expectConsistentStore(store, databaseUrl, [...smallKeys, ...largeKeys.slice(0, stored)]);

      const second = await startServer({ databaseUrl });
      servers.push(second);
      const resent = await post(second.baseUrl, large);
      expect(resent.status).toBe(200);
      expect(await resent.json()).toMatchObject({ accepted: largeKeys.length - stored, duplicates: stored, rejected: [] });
      await expectConsistentStore(store, databaseUrl, [...smallKeys, ...largeKeys]);
    } finally {
      await store.close();
    }
  }, 300_000);
});
