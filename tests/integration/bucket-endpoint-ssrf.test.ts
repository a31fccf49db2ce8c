// SSRF on the configured S3 endpoint (docs/SECURITY.md): loopback, link-local, metadata and
// private addresses, in any spelling or behind a DNS name, are refused before any request
// unless ORGTRAIL_ALLOWED_HOSTS names the host; bucket export and bucket source alike.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Bucket } from "@/lib/bucket/s3-bucket";
import { openBucket } from "@/lib/bucket/storage";
import { openStore, type Store } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { createBucketExportJob } from "@/lib/export/bucket-export-job";
import { BlockedUrlError } from "@/lib/net/ssrf";
import { createBucketSourceJob } from "@/lib/sources/bucket-source-job";
import { events, ingestText } from "../support/bucket";
import { S3RVER_CREDENTIALS } from "../support/s3rver";
import { createTestDatabaseUrl } from "../support/store";

const location = { kind: "s3" as const, bucket: "audit", prefix: "", url: "s3://audit" };
const NONE = new Set<string>();

// A stand-in endpoint on loopback that counts the requests reaching it (it answers 500).
let server: Server;
let port = 0;
let requests = 0;
let store: Store;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  store = await openStore(await createTestDatabaseUrl());
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await store?.close();
});

const refused = (endpoint: string, allowedHosts: Set<string> = NONE) => new S3Bucket(location, { endpoint, allowedHosts, credentials: S3RVER_CREDENTIALS });

describe("S3 endpoint SSRF guard", () => {
  it.each([
    ["loopback", () => `http://127.0.0.1:${port}`],
    ["loopback, hex spelling", () => `http://0x7f000001:${port}`],
    ["loopback, decimal spelling", () => `http://2130706433:${port}`],
    ["loopback, short spelling", () => `http://127.1:${port}`],
    ["a DNS name resolving to loopback", () => `http://localhost:${port}`],
    ["IPv6 loopback", () => `http://[::1]:${port}`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${port}`],
    ["the cloud metadata address", () => "http://169.254.169.254"],
    ["the metadata address as a decimal", () => "http://2852039166"],
    ["the AWS IPv6 metadata address", () => "http://[fd00:ec2::254]"],
    ["a private network", () => "http://10.0.0.5:9000"],
  ])("refuses %s before any request, with a clear error", async (_name, endpoint) => {
    const before = requests;
    const bucket = refused(endpoint());
    try {
      await expect(bucket.get("x")).rejects.toThrow(BlockedUrlError);
      await expect(bucket.get("x")).rejects.toThrow(/^S3 endpoint \S+ refused: .*private or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS/);
      await expect(bucket.put("x", Buffer.from("{}"), {})).rejects.toThrow(BlockedUrlError);
      await expect(bucket.prepareForWrites()).rejects.toThrow(BlockedUrlError);
      await expect((async () => {
        for await (const o of bucket.list("")) void o;
      })()).rejects.toThrow(BlockedUrlError);
    } finally {
      bucket.close();
    }
    expect(requests).toBe(before);
  });

  it("lets an endpoint through when the admin allowed its host (the request reaches it)", async () => {
    const before = requests;
    const bucket = refused(`http://0x7f000001:${port}`, new Set(["127.0.0.1"]));
    try {
      const error = await bucket.get("x").catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(BlockedUrlError);
    } finally {
      bucket.close();
    }
    expect(requests).toBeGreaterThan(before);
  });

  it("reads the allow list from ORGTRAIL_ALLOWED_HOSTS by default", async () => {
    const saved = process.env.ORGTRAIL_ALLOWED_HOSTS;
    try {
      process.env.ORGTRAIL_ALLOWED_HOSTS = "minio.internal";
      resetEnvCache();
      const blocked = openBucket("s3://audit", { endpoint: `http://127.0.0.1:${port}`, credentials: S3RVER_CREDENTIALS });
      await expect(blocked.get("x")).rejects.toThrow(/S3 endpoint http:\/\/127\.0\.0\.1:\d+ refused/);
      blocked.close();
      process.env.ORGTRAIL_ALLOWED_HOSTS = "127.0.0.1";
      resetEnvCache();
      const allowed = openBucket("s3://audit", { endpoint: `http://127.0.0.1:${port}`, credentials: S3RVER_CREDENTIALS });
      expect(await allowed.get("x").catch((e: unknown) => e)).not.toBeInstanceOf(BlockedUrlError);
      allowed.close();
    } finally {
      process.env.ORGTRAIL_ALLOWED_HOSTS = saved;
      resetEnvCache();
    }
  });

  it("a bucket export run and a bucket source run fail on a refused endpoint without sending anything", async () => {
    await ingestText(store, events(3));
    const s3 = { endpoint: "http://169.254.169.254", allowedHosts: NONE, credentials: S3RVER_CREDENTIALS };
    const local = { endpoint: `http://[::ffff:7f00:1]:${port}`, allowedHosts: NONE, credentials: S3RVER_CREDENTIALS };
    const before = requests;
    for (const options of [s3, local]) {
      const exportJob = createBucketExportJob("s3://audit/x", { intervalMs: 3_600_000, retry: { attempts: 1 }, s3: options });
      await expect(exportJob.run({ store, signal: new AbortController().signal })).rejects.toThrow(/S3 endpoint .* refused/);
      const sourceJob = createBucketSourceJob("s3://audit/x", { intervalMs: 3_600_000, deployment: "self-managed", retry: { attempts: 1 }, s3: options });
      await expect(sourceJob.run({ store, signal: new AbortController().signal })).rejects.toThrow(/S3 endpoint .* refused/);
    }
    expect(requests).toBe(before);
  });
});
