// The server's bucket source: every ORGTRAIL_BUCKET_SOURCE_INTERVAL_SECONDS when ORGTRAIL_BUCKET_SOURCE_URL is set.
import { alertJobFailure } from "../alerts/job-failure";
import type { RetryOptions } from "../bucket/retry";
import type { S3Options } from "../bucket/s3-bucket";
import { openBucket } from "../bucket/storage";
import { env, type Deployment } from "../env";
import { registerJobFactory } from "../jobs/start";
import type { Job } from "../jobs/scheduler";
import { recordBucketImport } from "../metrics/sync-metrics";
import { BUCKET_SOURCE_JOB, importFromBucket } from "./bucket-source";

export interface BucketSourceJobOptions {
  intervalMs: number;
  deployment: Deployment;
  retry?: Omit<RetryOptions, "signal">;
  s3?: S3Options;
}

export function createBucketSourceJob(url: string, options: BucketSourceJobOptions): Job {
  openBucket(url, options.s3).close(); // a malformed URL fails here, at start, not at the first run
  return {
    name: BUCKET_SOURCE_JOB,
    intervalMs: options.intervalMs,
    async run({ store, signal }) {
      const bucket = openBucket(url, options.s3);
      try {
        const summary = await importFromBucket(store, bucket, {
          deployment: options.deployment,
          signal,
          retry: { attempts: 3, baseDelayMs: 1_000, ...options.retry, signal },
          onObject: (o) => recordBucketImport(o.org),
        });
        if (summary.objects > 0) {
          console.error(
            `orgtrail: bucket source: ${summary.objects} objects read from ${bucket.location.url} (accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected})`,
          );
        }
      } finally {
        bucket.close();
      }
    },
    async onFailure(error, consecutive, ctx) {
      await alertJobFailure(ctx.store, BUCKET_SOURCE_JOB, error, consecutive);
    },
  };
}

registerJobFactory(async () => {
  const e = env();
  if (!e.ORGTRAIL_BUCKET_SOURCE_URL) return null;
  return createBucketSourceJob(e.ORGTRAIL_BUCKET_SOURCE_URL, {
    intervalMs: e.ORGTRAIL_BUCKET_SOURCE_INTERVAL_SECONDS * 1000,
    deployment: e.ORGTRAIL_DEPLOYMENT,
  });
});
