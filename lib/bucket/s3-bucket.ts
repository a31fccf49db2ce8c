import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { BlockedUrlError, checkOperatorUrl, operatorAgents, type Resolver } from "../net/outbound";
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
  /** Hosts let through although link-local or metadata (default: ORGTRAIL_ALLOWED_HOSTS). */
  allowedHosts?: Set<string>;
  /** Replaces the system resolver (tests). */
  resolve?: Resolver;
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
  private readonly resolve: Resolver | undefined;
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
      // The endpoint (or AWS's) is the operator's: every connection goes through the operator
      // rule of lib/net/outbound.ts (private and loopback fine, metadata addresses refused).
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000, ...operatorAgents({ allow: options.allowedHosts, resolve: options.resolve }) },
    };
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
    this.endpoint = options.endpoint;
    this.allow = options.allowedHosts;
    this.resolve = options.resolve;
    this.prefix = location.prefix ? `${location.prefix}/` : "";
  }

  /**
   * The endpoint is operator-configured (ORGTRAIL_S3_ENDPOINT): loopback and private addresses
   * are fine (MinIO on the same network), link-local and metadata ones (in any spelling, or a DNS
   * name resolving to one) are refused unless ORGTRAIL_ALLOWED_HOSTS names them. Checked once per
   * bucket before its first request, for a clear error; every connection is checked again.
   */
  private checkEndpoint(): Promise<void> {
    if (this.endpoint === undefined) return Promise.resolve();
    this.endpointChecked ??= checkOperatorUrl(this.endpoint, { allow: this.allow, resolve: this.resolve }).then(
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
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }));
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
