// The server's bucket export: every ORGTRAIL_BUCKET_INTERVAL_SECONDS when ORGTRAIL_BUCKET_URL is set.
import { alertJobFailure } from "../alerts/job-failure";
import type { RetryOptions } from "../bucket/retry";
import type { S3Options } from "../bucket/s3-bucket";
import { openBucket } from "../bucket/storage";
import { env } from "../env";
import { registerJobFactory } from "../jobs/start";
import type { Job } from "../jobs/scheduler";
import { recordBucketExport } from "../metrics/sync-metrics";
import { BUCKET_EXPORT_JOB } from "./bucket-cursor";
import { exportToBucket } from "./bucket-export";
import { escapeControl } from "../text/escape-control";

export interface BucketExportJobOptions {
  intervalMs: number;
  maxEventsPerObject?: number;
  /** In-run retries of each bucket operation (default 3 tries, 1 s then 2 s apart). */
  retry?: Omit<RetryOptions, "signal">;
  s3?: S3Options;
}

export function createBucketExportJob(url: string, options: BucketExportJobOptions): Job {
  openBucket(url, options.s3).close(); // a malformed URL fails here, at start, not at the first run
  return {
    name: BUCKET_EXPORT_JOB,
    intervalMs: options.intervalMs,
    async run({ store, signal }) {
      const bucket = openBucket(url, options.s3);
      try {
        const summary = await exportToBucket(store, bucket, {
          signal,
          maxEventsPerObject: options.maxEventsPerObject,
          retry: { attempts: 3, baseDelayMs: 1_000, ...options.retry, signal },
          afterUpload: (o) => recordBucketExport(o.org, o.toSeq - o.fromSeq + 1, o.bytes),
        });
        if (summary.objects.length > 0)
          console.error(`orgtrail: bucket export: ${summary.events} events in ${summary.objects.length} objects to ${bucket.location.url}`);
      } finally {
        bucket.close();
      }
    },
    // Progress made before the failure is kept (the cursor moves object by object) and the next
    // run resumes at the first object not verified; job_state holds the error and the counts.
    async onFailure(error, consecutive, ctx) {
      console.error(
        `orgtrail: bucket export failed (${consecutive} in a row), the next run resumes: ${escapeControl(error instanceof Error ? error.message : String(error))}`,
      );
      await alertJobFailure(ctx.store, BUCKET_EXPORT_JOB, error, consecutive);
    },
  };
}

registerJobFactory(async () => {
  const e = env();
  if (!e.ORGTRAIL_BUCKET_URL) return null;
  return createBucketExportJob(e.ORGTRAIL_BUCKET_URL, {
    intervalMs: e.ORGTRAIL_BUCKET_INTERVAL_SECONDS * 1000,
    maxEventsPerObject: e.ORGTRAIL_BUCKET_OBJECT_MAX_EVENTS,
  });
});
