import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { env } from "../env";
import { allowedHosts, assertOutboundUrl, BlockedUrlError } from "../net/ssrf";
import type { BucketLocation } from "./location";
import type { Bucket, StoredObject } from "./storage";

export interface S3Options {
  /** An S3-compatible endpoint (MinIO, Ceph, s3rver...); unset for AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`); the default when an endpoint is set. */
  forcePathStyle?: boolean;
  /** Explicit credentials (tests); otherwise the SDK's chain (AWS_ACCESS_KEY_ID..., profiles, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Hosts the endpoint may be although private or loopback (default: ORGTRAIL_ALLOWED_HOSTS). */
  allowedHosts?: Set<string>;
}

/**
 * An S3-compatible bucket through AWS SDK v3. The SDK's own retries are off: bucket sync
 * retries whole operations itself (lib/bucket/retry.ts) and reports what failed.
 */
export class S3Bucket implements Bucket {
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly endpoint: string | undefined;
  private readonly allow: Set<string> | undefined;
  private endpointChecked: Promise<void> | undefined;

  constructor(
    readonly location: Extract<BucketLocation, { kind: "s3" }>,
    options: S3Options = {},
  ) {
    const config: S3ClientConfig = {
      region: options.region ?? "us-east-1",
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      maxAttempts: 1,
      // Plain PUTs with Content-Length: S3-compatible servers do not all accept the SDK's
      // default streaming CRC trailers. Integrity is checked by reading the object back.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    };
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
    this.endpoint = options.endpoint;
    this.allow = options.allowedHosts;
    this.prefix = location.prefix ? `${location.prefix}/` : "";
  }

  /**
   * The endpoint is admin-configured: like the upstream URL and Slack webhooks it may not be a
   * loopback, private, link-local or metadata address (in any spelling, or a DNS name resolving
   * to one) unless ORGTRAIL_ALLOWED_HOSTS names it. Checked once per bucket, before its first
   * request (the jobs open a bucket per run, so each run checks again).
   */
  private checkEndpoint(): Promise<void> {
    if (this.endpoint === undefined) return Promise.resolve();
    this.endpointChecked ??= assertOutboundUrl(this.endpoint, { allow: this.allow ?? allowedHosts(env().ORGTRAIL_ALLOWED_HOSTS) }).then(
      () => undefined,
      (error: unknown) => {
        throw new BlockedUrlError(`S3 endpoint ${this.endpoint} refused: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.endpointChecked;
  }

  async prepareForWrites(): Promise<void> {
    await this.checkEndpoint();
  }

  async put(key: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.checkEndpoint();
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentLength: body.length,
        ContentType: "application/x-ndjson",
        Metadata: metadata,
      }),
    );
  }

  async get(key: string): Promise<Buffer | null> {
    await this.checkEndpoint();
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.prefix + key }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === "NoSuchKey" || name === "NotFound") return null;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    await this.checkEndpoint();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith("/")) continue;
        yield { key: o.Key.slice(this.prefix.length), size: Number(o.Size ?? 0), version: o.ETag ?? String(o.LastModified?.getTime() ?? "") };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  close(): void {
    this.client.destroy();
  }
}
