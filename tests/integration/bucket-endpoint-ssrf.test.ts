// SSRF on the configured S3 endpoint (docs/SECURITY.md): the endpoint is the operator's, so
// loopback and private addresses are reached with no allow list (MinIO beside orgtrail), while
// link-local and metadata addresses, in any spelling or behind a DNS name, are refused before any
// request unless ORGTRAIL_ALLOWED_HOSTS names the host; bucket export and bucket source alike.
// Every connection of the S3 client is checked, not only the endpoint's first lookup.
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

const bucketAt = (endpoint: string, options: { allowedHosts?: Set<string>; resolve?: (host: string) => Promise<string[]> } = {}) =>
  new S3Bucket(location, { endpoint, allowedHosts: options.allowedHosts ?? NONE, resolve: options.resolve, credentials: S3RVER_CREDENTIALS });

/** A resolver answering `answers[i]` at its i-th call (the last one after that). */
function sequence(...answers: string[][]) {
  let calls = 0;
  return async () => answers[Math.min(calls++, answers.length - 1)]!;
}

describe("S3 endpoint SSRF guard", () => {
  it.each([
    ["the cloud metadata address", "http://169.254.169.254", undefined],
    ["the metadata address as a decimal", "http://2852039166", undefined],
    ["the metadata address, IPv4-mapped", "http://[::ffff:a9fe:a9fe]", undefined],
    ["the AWS IPv6 metadata address", "http://[fd00:ec2::254]", undefined],
    ["an IPv6 link-local address", "http://[fe80::1]:9000", undefined],
    ["a DNS name resolving to the metadata address", "http://metadata.google.internal", async () => ["169.254.169.254"]],
  ])("refuses %s before any request, with a clear error", async (_name, endpoint, resolve) => {
    const before = requests;
    const bucket = bucketAt(endpoint, { resolve });
    try {
      await expect(bucket.get("x")).rejects.toThrow(BlockedUrlError);
      await expect(bucket.get("x")).rejects.toThrow(
        /^S3 endpoint \S+ refused: .*link-local, cloud metadata or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS/,
      );
      await expect(bucket.put("x", Buffer.from("{}"), {})).rejects.toThrow(BlockedUrlError);
      await expect(bucket.prepareForWrites()).rejects.toThrow(BlockedUrlError);
      await expect(
        (async () => {
          for await (const o of bucket.list("")) void o;
        })(),
      ).rejects.toThrow(BlockedUrlError);
    } finally {
      bucket.close();
    }
    expect(requests).toBe(before);
  });

  it.each([
    ["loopback", () => `http://127.0.0.1:${port}`],
    ["loopback, hex spelling", () => `http://0x7f000001:${port}`],
    ["loopback, decimal spelling", () => `http://2130706433:${port}`],
    ["loopback, short spelling", () => `http://127.1:${port}`],
    ["a DNS name resolving to loopback", () => `http://localhost:${port}`],
  ])("reaches %s with no allow list (the request arrives)", async (_name, endpoint) => {
    const before = requests;
    const bucket = bucketAt(endpoint());
    try {
      const error = await bucket.get("x").catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(BlockedUrlError);
    } finally {
      bucket.close();
    }
    expect(requests).toBeGreaterThan(before);
  });

  it("checks every connection of the S3 client, not only the endpoint's first lookup", async () => {
    // The endpoint check sees 127.0.0.1; the client's connection would then resolve the name to
    // the metadata address: its own checked lookup refuses it, and nothing is sent anywhere.
    const before = requests;
    const bucket = bucketAt(`http://s3.test:${port}`, { resolve: sequence(["127.0.0.1"], ["169.254.169.254"]) });
    try {
      const error = await bucket.get("x").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlockedUrlError);
      expect(String(error)).toMatch(/s3\.test resolves to 169\.254\.169\.254/);
    } finally {
      bucket.close();
    }
    expect(requests).toBe(before);
  });

  it("reads the allow list from ORGTRAIL_ALLOWED_HOSTS by default", async () => {
    const saved = process.env.ORGTRAIL_ALLOWED_HOSTS;
    // One of the name's addresses is link-local: refused, unless the operator names the host.
    const resolve = async () => ["127.0.0.1", "169.254.10.10"];
    try {
      process.env.ORGTRAIL_ALLOWED_HOSTS = "minio.internal";
      resetEnvCache();
      const blocked = openBucket("s3://audit", { endpoint: `http://s3.test:${port}`, credentials: S3RVER_CREDENTIALS, resolve });
      await expect(blocked.get("x")).rejects.toThrow(/S3 endpoint http:\/\/s3\.test:\d+ refused: s3\.test resolves to 169\.254\.10\.10/);
      blocked.close();
      process.env.ORGTRAIL_ALLOWED_HOSTS = "minio.internal, S3.test";
      resetEnvCache();
      const before = requests;
      const allowed = openBucket("s3://audit", { endpoint: `http://s3.test:${port}`, credentials: S3RVER_CREDENTIALS, resolve });
      expect(await allowed.get("x").catch((e: unknown) => e)).not.toBeInstanceOf(BlockedUrlError);
      allowed.close();
      expect(requests).toBeGreaterThan(before);
    } finally {
      process.env.ORGTRAIL_ALLOWED_HOSTS = saved;
      resetEnvCache();
    }
  });

  it("a bucket export run and a bucket source run fail on a refused endpoint without sending anything", async () => {
    await ingestText(store, events(3));
    const s3 = { endpoint: "http://169.254.169.254", allowedHosts: NONE, credentials: S3RVER_CREDENTIALS };
    const mapped = { endpoint: `http://[::ffff:a9fe:a9fe]:${port}`, allowedHosts: NONE, credentials: S3RVER_CREDENTIALS };
    const before = requests;
    for (const options of [s3, mapped]) {
      const exportJob = createBucketExportJob("s3://audit/x", { intervalMs: 3_600_000, retry: { attempts: 1 }, s3: options });
      await expect(exportJob.run({ store, signal: new AbortController().signal })).rejects.toThrow(/S3 endpoint .* refused/);
      const sourceJob = createBucketSourceJob("s3://audit/x", { intervalMs: 3_600_000, deployment: "self-managed", retry: { attempts: 1 }, s3: options });
      await expect(sourceJob.run({ store, signal: new AbortController().signal })).rejects.toThrow(/S3 endpoint .* refused/);
    }
    expect(requests).toBe(before);
  });
});
