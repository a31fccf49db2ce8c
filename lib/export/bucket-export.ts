import { createHash } from "node:crypto";
import type { Store } from "../db/client";
import { dayFolder, objectKey, padSeq, parseObjectName, utcDay } from "../bucket/layout";
import { withRetry, type RetryOptions } from "../bucket/retry";
import type { Bucket } from "../bucket/storage";
import { putObjectCheckpoint } from "../trust/export-verify";
import { advanceExportCursor, loadExportCursors } from "./bucket-cursor";

export interface ExportOptions {
  /** Organization slugs to export (default: all). */
  orgs?: string[];
  maxEventsPerObject?: number;
  maxBytesPerObject?: number;
  retry?: RetryOptions;
  signal?: AbortSignal;
  /** Called once an object is uploaded and verified, before the cursor moves (tests simulate a crash here). */
  afterUpload?: (object: ExportedObject) => Promise<void> | void;
  log?: (message: string) => void;
}

export interface ExportedObject {
  org: string;
  key: string;
  fromSeq: number;
  toSeq: number;
  bytes: number;
  sha256: string;
}

export interface ExportSummary {
  objects: ExportedObject[];
  events: number;
}

export const DEFAULT_MAX_EVENTS_PER_OBJECT = 50_000;
export const DEFAULT_MAX_BYTES_PER_OBJECT = 32 * 1024 * 1024;
const PAGE = 5_000;

export class VerificationError extends Error {}

/**
 * Exports every event not yet in the bucket, per organization in ingest-sequence order (so a
 * late event, whatever its timestamp, is never skipped). Each object is uploaded, read back
 * and compared (size and SHA-256) before the organization's cursor moves past it; a failure
 * leaves the cursor where it was and is thrown after the bounded retries.
 */
export async function exportToBucket(store: Store, bucket: Bucket, options: ExportOptions = {}): Promise<ExportSummary> {
  const summary: ExportSummary = { objects: [], events: 0 };
  const target = bucket.location.url;
  let query = store.db.selectFrom("organizations").select(["id", "slug", "last_seq"]).orderBy("slug");
  if (options.orgs && options.orgs.length > 0) query = query.where("slug", "in", options.orgs);
  const orgs = await query.execute();
  const cursors = await loadExportCursors(store.db, target);
  await bucket.prepareForWrites();

  for (const org of orgs) {
    let cursor = cursors[org.slug] ?? 0;
    const lastSeq = Number(org.last_seq);
    while (cursor < lastSeq) {
      options.signal?.throwIfAborted();
      const object = await exportNextObject(store, bucket, { id: org.id, slug: org.slug }, cursor + 1, lastSeq, options);
      summary.objects.push(object);
      summary.events += object.toSeq - object.fromSeq + 1;
      // The signed checkpoint of exactly this range goes beside it (docs/SECURITY.md), before
      // the cursor moves: a crash here re-exports and re-signs the same range.
      await putObjectCheckpoint(store, bucket, object);
      await options.afterUpload?.(object);
      await advanceExportCursor(store.db, target, org.slug, object.toSeq);
      options.log?.(`exported ${org.slug} ${object.fromSeq}-${object.toSeq} to ${object.key}`);
      cursor = object.toSeq;
    }
  }
  return summary;
}

async function exportNextObject(
  store: Store,
  bucket: Bucket,
  org: { id: number; slug: string },
  fromSeq: number,
  lastSeq: number,
  options: ExportOptions,
): Promise<ExportedObject> {
  const maxEvents = options.maxEventsPerObject ?? DEFAULT_MAX_EVENTS_PER_OBJECT;
  const maxBytes = options.maxBytesPerObject ?? DEFAULT_MAX_BYTES_PER_OBJECT;
  const first = await store.db.selectFrom("events").select("ingested_at").where("org_id", "=", org.id).where("seq", "=", fromSeq).executeTakeFirst();
  if (!first) throw new Error(`organization ${org.slug}: event ${fromSeq} is missing from the store`);
  const day = utcDay(Number(first.ingested_at));

  // An object that already starts here (uploaded by a run that died before saving the cursor,
  // or before the cursor was lost) fixes the range: the same key is written with the same bytes.
  const adopted = await withRetry(() => existingRange(bucket, org.slug, day, fromSeq, lastSeq), options.retry);
  const limit = adopted ?? Math.min(lastSeq, fromSeq + maxEvents - 1);

  const lines: string[] = [];
  let bytes = 0;
  let next = fromSeq;
  read: while (next <= limit) {
    const rows = await store.db
      .selectFrom("events")
      .select(["seq", "ingested_at", "body"])
      .where("org_id", "=", org.id)
      .where("seq", ">=", next)
      .where("seq", "<=", limit)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (Number(row.seq) !== next) throw new Error(`organization ${org.slug}: sequence gap at ${next}`);
      const size = Buffer.byteLength(row.body) + 1;
      if (adopted === null && lines.length > 0 && (utcDay(Number(row.ingested_at)) !== day || bytes + size > maxBytes)) break read;
      lines.push(row.body);
      bytes += size;
      next++;
    }
  }
  const toSeq = next - 1;
  if (toSeq < fromSeq || (adopted !== null && toSeq !== adopted))
    throw new Error(`organization ${org.slug}: events ${fromSeq}-${limit} are missing from the store`);

  const body = Buffer.from(lines.join("\n") + "\n", "utf8");
  const sha256 = createHash("sha256").update(body).digest("hex");
  const key = objectKey(org.slug, day, fromSeq, toSeq);
  const metadata = { "orgtrail-org": org.slug, "orgtrail-from-seq": String(fromSeq), "orgtrail-to-seq": String(toSeq), "orgtrail-sha256": sha256 };
  await withRetry(async () => {
    await bucket.put(key, body, metadata);
    const back = await bucket.get(key);
    if (!back) throw new VerificationError(`${key}: not found after upload`);
    if (back.length !== body.length) throw new VerificationError(`${key}: ${back.length} bytes read back, ${body.length} written`);
    const backSha = createHash("sha256").update(back).digest("hex");
    if (backSha !== sha256) throw new VerificationError(`${key}: checksum read back differs from the one written`);
  }, options.retry);
  return { org: org.slug, key, fromSeq, toSeq, bytes: body.length, sha256 };
}

/** The end of an exported object that starts at `fromSeq` (the longest one within the store's events), or null. */
async function existingRange(bucket: Bucket, org: string, day: string, fromSeq: number, lastSeq: number): Promise<number | null> {
  const folder = dayFolder(org, day);
  let best: number | null = null;
  for await (const o of bucket.list(`${folder}${padSeq(fromSeq)}-`)) {
    const range = parseObjectName(o.key.slice(folder.length - day.length - 1));
    if (range && range.fromSeq === fromSeq && range.toSeq >= fromSeq && range.toSeq <= lastSeq && (best === null || range.toSeq > best)) best = range.toSeq;
  }
  return best;
}
