// Bucket export: layout, verified objects, sequence-ordered increments, a crash between upload
// and cursor, and an S3 outage seen through the scheduled job (s3rver on loopback).
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcDay } from "@/lib/bucket/layout";
import { openBucket } from "@/lib/bucket/storage";
import { openStore, type Store } from "@/lib/db/client";
import { loadExportCursors } from "@/lib/export/bucket-cursor";
import { createBucketExportJob } from "@/lib/export/bucket-export-job";
import { exportToBucket } from "@/lib/export/bucket-export";
import { startScheduler } from "@/lib/jobs/scheduler";
import { listJobStates } from "@/lib/jobs/state";
import { checkpointKeys, events, ingestText, readBucket, storedBodies } from "../support/bucket";
import { S3RVER_CREDENTIALS, startFakeS3, type FakeS3 } from "../support/s3rver";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const stores: Store[] = [];
async function freshStore(): Promise<Store> {
  const store = await openStore(await createTestDatabaseUrl());
  stores.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

describe("bucket export to a folder", () => {
  it("writes verified NDJSON objects per org and ingest day, keyed by sequence range, and only new events on later runs", async () => {
    const store = await freshStore();
    const url = `file://${mkdtempSync(join(testTmpRoot(), "bucket-"))}`;
    const bucket = openBucket(url);
    await ingestText(store, events(25));
    await ingestText(store, events(2, 100), "acme");
    const today = utcDay(Date.now());

    const first = await exportToBucket(store, bucket, { maxEventsPerObject: 10 });
    expect(first.objects.map((o) => o.key)).toEqual([
      `wandb-audit-logs/acme/${today}/000000000001-000000000002.ndjson`,
      `wandb-audit-logs/default/${today}/000000000001-000000000010.ndjson`,
      `wandb-audit-logs/default/${today}/000000000011-000000000020.ndjson`,
      `wandb-audit-logs/default/${today}/000000000021-000000000025.ndjson`,
    ]);
    expect(first.events).toBe(27);
    expect((await exportToBucket(store, bucket, { maxEventsPerObject: 10 })).objects).toEqual([]);

    // Late events (timestamps weeks before the others) follow the sequence, not the clock.
    await ingestText(store, events(3, 200, "2026-01-02"));
    const late = await exportToBucket(store, bucket, { maxEventsPerObject: 10 });
    expect(late.objects.map((o) => o.key)).toEqual([`wandb-audit-logs/default/${today}/000000000026-000000000028.ndjson`]);

    const objects = await readBucket(bucket);
    expect(await checkpointKeys(bucket)).toEqual(objects.map((o) => o.key.replace(/\.ndjson$/, ".checkpoint.json")));
    const defaultLines = objects.filter((o) => o.key.startsWith("wandb-audit-logs/default/")).flatMap((o) => o.lines);
    expect(defaultLines).toEqual(await storedBodies(store));
    expect(objects.filter((o) => o.key.startsWith("wandb-audit-logs/acme/")).flatMap((o) => o.lines)).toEqual(await storedBodies(store, "acme"));
    expect(await loadExportCursors(store.db, bucket.location.url)).toEqual({ acme: 2, default: 28 });
    for (const line of defaultLines) expect(Object.keys(JSON.parse(line) as object)).toContain("timestamp");
  });

  it("after a crash between upload and cursor, rewrites the same key with the same bytes and doubles nothing", async () => {
    const store = await freshStore();
    const dir = mkdtempSync(join(testTmpRoot(), "bucket-"));
    const bucket = openBucket(`file://${dir}`);
    await ingestText(store, events(5));
    await expect(
      exportToBucket(store, bucket, {
        maxEventsPerObject: 10,
        afterUpload: () => {
          throw new Error("simulated crash: uploaded, cursor not saved");
        },
      }),
    ).rejects.toThrow("simulated crash");
    expect(await loadExportCursors(store.db, bucket.location.url)).toEqual({});
    const [crashed] = await readBucket(bucket);
    expect(crashed!.key).toMatch(/000000000001-000000000005\.ndjson$/);

    // More events arrive before the next run: the uploaded range is kept as it was.
    await ingestText(store, events(4, 50));
    const rerun = await exportToBucket(store, bucket, { maxEventsPerObject: 10 });
    expect(rerun.objects.map((o) => [o.fromSeq, o.toSeq])).toEqual([
      [1, 5],
      [6, 9],
    ]);
    const objects = await readBucket(bucket);
    expect(objects).toHaveLength(2);
    expect(objects[0]!.key).toBe(crashed!.key);
    expect(objects[0]!.body.equals(crashed!.body)).toBe(true);
    expect(objects.flatMap((o) => o.lines)).toEqual(await storedBodies(store));
  });
});

describe("bucket export to S3 (s3rver)", () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3(["audit"]);
  });
  afterAll(async () => s3?.stop());

  it("runs as a job; an outage fails the job and is recorded; after recovery it catches up with nothing lost or doubled", async () => {
    const store = await freshStore();
    const url = "s3://audit/exports/prod";
    const s3Options = { endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS };
    const job = createBucketExportJob(url, { intervalMs: 3_600_000, maxEventsPerObject: 10, retry: { attempts: 2, baseDelayMs: 20 }, s3: s3Options });
    const failures: number[] = [];
    const hooked = { ...job, onFailure: async (error: unknown, consecutive: number) => void failures.push(consecutive) };
    const scheduler = startScheduler(store, [hooked], { holder: "test" });
    const bucket = openBucket(url, s3Options);
    const state = async () => (await listJobStates(store.db)).find((s) => s.name === "bucket-export")!;
    try {
      await ingestText(store, events(12));
      expect(await scheduler.runNow("bucket-export")).toBe(true);
      await new Promise((r) => setTimeout(r, 1_200)); // let the scheduler's own first run pass
      expect((await readBucket(bucket)).map((o) => o.lines.length)).toEqual([10, 2]);
      const succeeded = await state();
      expect(succeeded.last_success_at).not.toBeNull();

      await s3.stop();
      await ingestText(store, events(5, 40));
      await scheduler.runNow("bucket-export");
      const failed = await state();
      expect(failed.consecutive_failures).toBe(1);
      expect(failed.total_failures).toBe(1);
      expect(failed.last_error).toBeTruthy();
      expect(failed.last_success_at).toBe(succeeded.last_success_at);
      expect(failures).toEqual([1]);
      expect(await loadExportCursors(store.db, bucket.location.url)).toEqual({ default: 12 });

      await s3.start();
      await scheduler.runNow("bucket-export");
      const recovered = await state();
      expect(recovered.consecutive_failures).toBe(0);
      expect(recovered.total_failures).toBe(1);
      const objects = await readBucket(bucket);
      expect(objects.map((o) => o.key.replace(/^.*\//, ""))).toEqual([
        "000000000001-000000000010.ndjson",
        "000000000011-000000000012.ndjson",
        "000000000013-000000000017.ndjson",
      ]);
      expect(objects.flatMap((o) => o.lines)).toEqual(await storedBodies(store));
    } finally {
      await scheduler.stop();
      bucket.close();
    }
  });
});
