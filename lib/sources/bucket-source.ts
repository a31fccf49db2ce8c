import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Store } from "../db/client";
import { DEFAULT_ORG, ensureOrg, isValidOrgSlug } from "../db/orgs";
import type { Deployment } from "../env";
import { AUDIT_LOG_FOLDER } from "../bucket/location";
import { withRetry, type RetryOptions } from "../bucket/retry";
import type { Bucket, StoredObject } from "../bucket/storage";
import { ingestNdjson } from "../ingest/ingest-ndjson";
import { recordIngested, recordIngestSummary } from "../metrics/registry";

export const BUCKET_SOURCE_JOB = "bucket-source";

export interface BucketImportOptions {
  deployment: Deployment;
  /**
   * Only this organization: objects in its folder and objects outside any organization folder
   * go to it; other organizations' folders are skipped. Without it, each
   * `wandb-audit-logs/<org>/<day>/...` object goes to `<org>` and any other object to `default`.
   */
  org?: string;
  retry?: RetryOptions;
  signal?: AbortSignal;
  onObject?: (report: ObjectReport) => void;
}

export interface ObjectReport {
  key: string;
  org: string;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface BucketImportSummary {
  objects: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Objects already read at their current version, or belonging to another organization. */
  unchanged: number;
  otherOrgs: number;
}

/** The organization folder an object key names (`<org>/<YYYY-MM-DD>/<file>` below wandb-audit-logs/), if any. */
export function orgOfKey(key: string): string | null {
  const parts = key.slice(AUDIT_LOG_FOLDER.length + 1).split("/");
  if (parts.length >= 3 && /^\d{4}-\d{2}-\d{2}$/.test(parts[1]!) && isValidOrgSlug(parts[0]!)) return parts[0]!;
  return null;
}

const ignored = (key: string) => {
  const name = key.slice(key.lastIndexOf("/") + 1);
  // Signed checkpoints travel beside the exported objects; they are not events.
  return name.startsWith(".") || name.endsWith(".tmp") || name.endsWith(".checkpoint.json");
};

/**
 * Reads every object under `wandb-audit-logs/` that this source has not read at its current
 * version, oldest key first, into the store through the ingest pipeline (dedupe makes a
 * re-read harmless). Each object is remembered once its events are committed, so a failure
 * resumes at the first object not done.
 */
export async function importFromBucket(store: Store, bucket: Bucket, options: BucketImportOptions): Promise<BucketImportSummary> {
  const source = bucket.location.url;
  const summary: BucketImportSummary = { objects: 0, accepted: 0, duplicates: 0, rejected: 0, unchanged: 0, otherOrgs: 0 };
  const known = new Map<string, string>();
  for (const row of await store.db.selectFrom("bucket_source_objects").select(["key", "version"]).where("source", "=", source).execute()) {
    known.set(row.key, row.version);
  }
  const listed = await withRetry(async () => {
    const all: StoredObject[] = [];
    for await (const o of bucket.list(`${AUDIT_LOG_FOLDER}/`)) all.push(o);
    return all;
  }, options.retry);
  listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const orgIds = new Map<string, number>();
  for (const object of listed) {
    options.signal?.throwIfAborted();
    if (ignored(object.key)) continue;
    if (known.get(object.key) === object.version) {
      summary.unchanged++;
      continue;
    }
    const folderOrg = orgOfKey(object.key);
    if (options.org && folderOrg && folderOrg !== options.org) {
      summary.otherOrgs++;
      continue;
    }
    const org = options.org ?? folderOrg ?? DEFAULT_ORG;
    let orgId = orgIds.get(org);
    if (orgId === undefined) {
      orgId = await ensureOrg(store.db, org);
      orgIds.set(org, orgId);
    }
    const body = await withRetry(() => bucket.get(object.key), options.retry);
    if (body === null) continue; // deleted since the listing
    // A line that cannot be stored is quarantined (source `bucket`, the object as its origin);
    // the object is still recorded as read, so the source moves on.
    const result = await ingestNdjson(store, orgId, bytesOf(body), {
      deployment: options.deployment,
      source: { kind: "bucket", origin: `${source} ${object.key}` },
      maxRejectionsKept: 100,
      onStored: (events) => recordIngested(org, events),
    });
    recordIngestSummary(org, result.duplicates, result.rejected);
    await store.db
      .insertInto("bucket_source_objects")
      .values({
        source,
        key: object.key,
        version: object.version,
        size: object.size,
        org_id: orgId,
        read_at: Date.now(),
        accepted: result.accepted,
        duplicates: result.duplicates,
        rejected: result.rejectedTotal,
      })
      .onConflict((oc) =>
        oc.columns(["source", "key"]).doUpdateSet((eb) => ({
          version: eb.ref("excluded.version"),
          size: eb.ref("excluded.size"),
          org_id: eb.ref("excluded.org_id"),
          read_at: eb.ref("excluded.read_at"),
          accepted: eb.ref("excluded.accepted"),
          duplicates: eb.ref("excluded.duplicates"),
          rejected: eb.ref("excluded.rejected"),
        })),
      )
      .execute();
    summary.objects++;
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    summary.rejected += result.rejectedTotal;
    options.onObject?.({ key: object.key, org, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejectedTotal });
  }
  return summary;
}

/** The object's bytes as a stream, gunzipped when they start with the gzip magic number. */
function bytesOf(body: Buffer): AsyncIterable<Uint8Array> {
  const stream = Readable.from([body]);
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
}
