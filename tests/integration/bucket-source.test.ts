// Bucket source: reads the export's layout back (folder and s3rver), incrementally; re-reads
// only changed objects, and dedupe makes any re-read harmless.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBucket } from "@/lib/bucket/storage";
import { openStore, type Store } from "@/lib/db/client";
import { exportToBucket } from "@/lib/export/bucket-export";
import { startScheduler } from "@/lib/jobs/scheduler";
import { listJobStates } from "@/lib/jobs/state";
import { createBucketSourceJob } from "@/lib/sources/bucket-source-job";
import { importFromBucket } from "@/lib/sources/bucket-source";
import { events, ingestText, storedBodies } from "../support/bucket";
import { runCli } from "../support/server";
import { S3RVER_CREDENTIALS, startFakeS3, type FakeS3 } from "../support/s3rver";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

const stores: Store[] = [];
async function freshStore(url?: string): Promise<Store> {
  const store = await openStore(url ?? (await createTestDatabaseUrl()));
  stores.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

const sorted = (lines: string[]) => [...lines].sort();

describe("bucket source from a folder", () => {
  it("reads an export back per organization, only new or changed objects on later runs", async () => {
    const origin = await freshStore();
    const dir = mkdtempSync(join(testTmpRoot(), "bucket-"));
    const bucket = openBucket(`file://${dir}`);
    await ingestText(origin, events(15));
    await ingestText(origin, events(3, 300), "acme");
    await exportToBucket(origin, bucket, { maxEventsPerObject: 10 });

    const copy = await freshStore();
    const first = await importFromBucket(copy, bucket, { deployment: "self-managed" });
    expect(first).toMatchObject({ objects: 3, accepted: 18, duplicates: 0, rejected: 0, unchanged: 0 });
    expect(await storedBodies(copy)).toEqual(await storedBodies(origin));
    expect(await storedBodies(copy, "acme")).toEqual(await storedBodies(origin, "acme"));

    expect(await importFromBucket(copy, bucket, { deployment: "self-managed" })).toMatchObject({ objects: 0, unchanged: 3 });

    // New objects: the origin's next export, and a flat gzip file the platform dropped in.
    await ingestText(origin, events(2, 500));
    await exportToBucket(origin, bucket, { maxEventsPerObject: 10 });
    writeFileSync(join(dir, "wandb-audit-logs", "platform-sync.ndjson.gz"), gzipSync(events(2, 600) + events(1, 0)));
    const second = await importFromBucket(copy, bucket, { deployment: "self-managed" });
    expect(second).toMatchObject({ objects: 2, accepted: 4, duplicates: 1, unchanged: 3 });

    // A changed object is read again; what was already stored counts as duplicates.
    const plain = join(dir, "wandb-audit-logs", "extra.ndjson");
    mkdirSync(join(dir, "wandb-audit-logs"), { recursive: true });
    writeFileSync(plain, events(1, 700));
    expect(await importFromBucket(copy, bucket, { deployment: "self-managed" })).toMatchObject({ objects: 1, accepted: 1 });
    appendFileSync(plain, events(1, 701));
    expect(await importFromBucket(copy, bucket, { deployment: "self-managed" })).toMatchObject({ objects: 1, accepted: 1, duplicates: 1 });

    const expected = [...(await storedBodies(origin)), ...(await storedBodies(await freshStoreWith(events(2, 600) + events(1, 700) + events(1, 701))))];
    expect(sorted(await storedBodies(copy))).toEqual(sorted([...new Set(expected)]));
  });

  it("imports with the CLI, one organization only with --org", async () => {
    const origin = await freshStore();
    const dir = mkdtempSync(join(testTmpRoot(), "bucket-"));
    await ingestText(origin, events(4));
    await ingestText(origin, events(2, 300), "acme");
    await exportToBucket(origin, openBucket(`file://${dir}`));

    const databaseUrl = await createTestDatabaseUrl();
    const acme = await runCli(["import-bucket", "--from", `file://${dir}`, "--org", "acme"], { databaseUrl });
    expect(acme.stderr).toContain("-> acme: accepted 2");
    expect(acme.stdout).toBe("objects 1 (unchanged 0), accepted 2, duplicates 0, rejected 0\n");
    expect(acme.code).toBe(0);
    const all = await runCli(["import-bucket", "--from", `file://${dir}`], { databaseUrl });
    expect(all.stdout).toBe("objects 1 (unchanged 1), accepted 4, duplicates 0, rejected 0\n");
  });
});

async function freshStoreWith(text: string): Promise<Store> {
  const store = await freshStore();
  await ingestText(store, text);
  return store;
}

describe("bucket source from S3 (s3rver)", () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3(["byob"]);
  });
  afterAll(async () => s3?.stop());

  it("runs as a job over a bucket written by an export, and resumes after an outage", async () => {
    const s3Options = { endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS };
    const url = "s3://byob/instance";
    const origin = await freshStore();
    const bucket = openBucket(url, s3Options);
    await ingestText(origin, events(12));
    await exportToBucket(origin, bucket, { maxEventsPerObject: 5 });

    const copy = await freshStore();
    const job = createBucketSourceJob(url, { intervalMs: 3_600_000, deployment: "self-managed", retry: { attempts: 2, baseDelayMs: 20 }, s3: s3Options });
    const scheduler = startScheduler(copy, [job], { holder: "test" });
    try {
      await scheduler.runNow("bucket-source");
      expect(await storedBodies(copy)).toEqual(await storedBodies(origin));
      await new Promise((r) => setTimeout(r, 1_200)); // let the scheduler's own first run pass

      await ingestText(origin, events(3, 100));
      await exportToBucket(origin, bucket, { maxEventsPerObject: 5 });
      await s3.stop();
      await scheduler.runNow("bucket-source");
      const failed = (await listJobStates(copy.db)).find((s) => s.name === "bucket-source")!;
      expect(failed.consecutive_failures).toBeGreaterThanOrEqual(1);
      expect(failed.last_error).toBeTruthy();
      expect((await storedBodies(copy)).length).toBe(12);

      await s3.start();
      await scheduler.runNow("bucket-source");
      expect(await storedBodies(copy)).toEqual(await storedBodies(origin));
      const read = await copy.db.selectFrom("bucket_source_objects").select(["key", "accepted"]).orderBy("key").execute();
      expect(read.map((r) => r.accepted)).toEqual([5, 5, 2, 3]);
    } finally {
      await scheduler.stop();
      bucket.close();
    }
  });
});
