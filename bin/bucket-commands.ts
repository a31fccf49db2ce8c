// `orgtrail export` and `orgtrail import-bucket`: bucket sync from the command line (docs/BUCKET_SYNC.md).
import { collect } from "./cli-support";
import type { Command } from "commander";
import { openStore } from "../lib/db/client";
import { findOrgBySlug } from "../lib/db/orgs";
import { env } from "../lib/env";

/**
 * The bucket modules, loaded by these commands only: they bring the S3 client and the metrics
 * registry (~35 MB of memory), which every other command, `ingest` first (issue 14's memory
 * goal, docs/PERFORMANCE.md), would otherwise load for nothing.
 */
const openBucket = async (url: string) => (await import("../lib/bucket/storage")).openBucket(url);

async function exportCommand(opts: { to?: string; org: string[] }): Promise<number> {
  const url = opts.to ?? env().ORGTRAIL_BUCKET_URL;
  if (!url) throw new Error("export: give --to URL (file:///dir or s3://bucket/prefix) or set ORGTRAIL_BUCKET_URL");
  const bucket = await openBucket(url);
  const store = await openStore();
  try {
    const { exportToBucket } = await import("../lib/export/bucket-export");
    for (const slug of opts.org) if (!(await findOrgBySlug(store.db, slug))) throw new Error(`no organization named ${JSON.stringify(slug)}`);
    let objects = 0;
    let events = 0;
    try {
      await exportToBucket(store, bucket, {
        orgs: opts.org,
        maxEventsPerObject: env().ORGTRAIL_BUCKET_OBJECT_MAX_EVENTS,
        afterUpload: (o) => {
          objects++;
          events += o.toSeq - o.fromSeq + 1;
          process.stderr.write(`${o.key}: events ${o.fromSeq}-${o.toSeq}, ${o.bytes} bytes, sha256 ${o.sha256}\n`);
        },
      });
    } catch (error) {
      process.stderr.write(
        `orgtrail: export to ${bucket.location.url} failed after ${objects} objects (${events} events, all verified and kept): ${error instanceof Error ? error.message : String(error)}\nRun the command again to resume.\n`,
      );
      return 1;
    }
    process.stdout.write(`exported ${events} events in ${objects} objects to ${bucket.location.url}\n`);
    return 0;
  } finally {
    bucket.close();
    await store.close();
  }
}

async function importBucketCommand(opts: { from?: string; org?: string }): Promise<number> {
  const url = opts.from ?? env().ORGTRAIL_BUCKET_SOURCE_URL;
  if (!url) throw new Error("import-bucket: give --from URL (file:///dir or s3://bucket/prefix) or set ORGTRAIL_BUCKET_SOURCE_URL");
  const bucket = await openBucket(url);
  const store = await openStore();
  try {
    const { importFromBucket } = await import("../lib/sources/bucket-source");
    const summary = await importFromBucket(store, bucket, {
      deployment: env().ORGTRAIL_DEPLOYMENT,
      org: opts.org,
      onObject: (o) => process.stderr.write(`${o.key} -> ${o.org}: accepted ${o.accepted}, duplicates ${o.duplicates}, rejected ${o.rejected}\n`),
    });
    process.stdout.write(
      `objects ${summary.objects} (unchanged ${summary.unchanged}), accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}\n`,
    );
    return summary.rejected > 0 ? 1 : 0;
  } finally {
    bucket.close();
    await store.close();
  }
}

export function addBucketCommands(program: Command, run: (code: Promise<number>) => void): void {
  program
    .command("export")
    .description("export audit logs not yet exported to a folder or S3 bucket (wandb-audit-logs/<org>/<day>/<from>-<to>.ndjson)")
    .option("--to <url>", "file:///dir or s3://bucket/prefix (default: ORGTRAIL_BUCKET_URL)")
    .option("--org <org>", "only this organization (repeatable; default: all)", collect, [])
    .action((opts: { to?: string; org: string[] }) => run(exportCommand(opts)));

  program
    .command("import-bucket")
    .description("ingest the objects of a bucket or folder in the export's layout that were not read yet")
    .option("--from <url>", "file:///dir or s3://bucket/prefix (default: ORGTRAIL_BUCKET_SOURCE_URL)")
    .option("--org <org>", "only this organization's folder, plus objects outside any organization folder")
    .action((opts: { from?: string; org?: string }) => run(importBucketCommand(opts)));
}
