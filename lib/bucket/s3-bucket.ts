import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
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
}

/**
 * An S3-compatible bucket through AWS SDK v3. The SDK's own retries are off: bucket sync
 * retries whole operations itself (lib/bucket/retry.ts) and reports what failed.
 */
export class S3Bucket implements Bucket {
  private readonly client: S3Client;
  private readonly prefix: string;

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
    this.prefix = location.prefix ? `${location.prefix}/` : "";
  }

  async prepareForWrites(): Promise<void> {}

  async put(key: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
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
