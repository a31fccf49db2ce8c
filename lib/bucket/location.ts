import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where audit-log objects live: a local folder or an S3-compatible bucket (with a key prefix). */
export type BucketLocation = { kind: "file"; dir: string; url: string } | { kind: "s3"; bucket: string; prefix: string; url: string };

/** Every object key is under this folder, as in the platform's own bucket sync. */
export const AUDIT_LOG_FOLDER = "wandb-audit-logs";

export class BucketUrlError extends Error {}

/**
 * `file:///abs/dir` (or a bare path) and `s3://bucket/optional/prefix`. The URL is also the
 * name of the export cursor, so it is normalized (no trailing slash).
 */
export function parseBucketUrl(raw: string): BucketLocation {
  const text = raw.trim();
  if (text.startsWith("s3://")) {
    const rest = text.slice("s3://".length);
    const [bucket = "", ...parts] = rest.split("/");
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new BucketUrlError(`invalid S3 bucket name in ${JSON.stringify(raw)}`);
    const prefix = parts.filter((p) => p.length > 0).join("/");
    return { kind: "s3", bucket, prefix, url: `s3://${bucket}${prefix ? `/${prefix}` : ""}` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.startsWith("file://")) {
    throw new BucketUrlError(`unsupported bucket URL ${JSON.stringify(raw)}: use file:///dir or s3://bucket/prefix`);
  }
  if (text.length === 0) throw new BucketUrlError("empty bucket URL");
  const dir = text.startsWith("file://") ? fileURLToPath(text) : resolve(text);
  const normalized = dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
  return { kind: "file", dir: normalized, url: `file://${normalized}` };
}
