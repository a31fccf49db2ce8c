import { env } from "../env";
import { FileBucket } from "./file-bucket";
import { parseBucketUrl, type BucketLocation } from "./location";
import { S3Bucket, type S3Options } from "./s3-bucket";

export interface StoredObject {
  /** Key relative to the location (below its prefix), `/`-separated. */
  key: string;
  size: number;
  /** Changes whenever the content changes (S3 ETag; size and mtime for a folder). */
  version: string;
}

/** The few operations bucket sync needs, over a folder or an S3-compatible bucket. */
export interface Bucket {
  readonly location: BucketLocation;
  /** Before writing: creates a folder target (an S3 bucket must already exist). */
  prepareForWrites(): Promise<void>;
  /** Writes the whole object (replacing any previous one atomically). */
  put(key: string, body: Buffer, metadata: Record<string, string>): Promise<void>;
  /** The object's bytes, or null when there is no such object. */
  get(key: string): Promise<Buffer | null>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  close(): void;
}

export function openBucket(url: string, s3?: S3Options): Bucket {
  const location = parseBucketUrl(url);
  if (location.kind === "file") return new FileBucket(location);
  const e = env();
  return new S3Bucket(location, {
    endpoint: e.ORGTRAIL_S3_ENDPOINT,
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
    forcePathStyle: e.ORGTRAIL_S3_FORCE_PATH_STYLE === undefined ? undefined : e.ORGTRAIL_S3_FORCE_PATH_STYLE === "1",
    ...s3,
  });
}
