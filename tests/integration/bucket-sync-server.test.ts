// The running server: the bucket export job (S3 via s3rver, configured by environment), the
// CLI export beside it, and GET /metrics validated by `promtool check metrics`.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBucket } from "@/lib/bucket/storage";
import { events, readBucket } from "../support/bucket";
import { runCli, startServer, type RunningServer } from "../support/server";
import { S3RVER_CREDENTIALS, startFakeS3, type FakeS3 } from "../support/s3rver";
import { createTestDatabaseUrl } from "../support/store";

const TOKEN = "metrics-token-1";

describe("bucket export job and /metrics on the built server", () => {
  let s3: FakeS3;
  let server: RunningServer;
  let databaseUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    s3 = await startFakeS3(["audit"]);
    databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
    auth = { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}` };
    server = await startServer({
      databaseUrl,
      env: {
        ...s3.env,
        ORGTRAIL_BUCKET_URL: "s3://audit/orgtrail",
        ORGTRAIL_BUCKET_INTERVAL_SECONDS: "1",
        ORGTRAIL_METRICS_TOKEN: TOKEN,
        ORGTRAIL_TODAY: "2026-03-20",
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await s3?.stop();
  });

  const scrape = async () => {
    const res = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it("exports what is ingested within an interval and reports it in /metrics, which promtool accepts", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", headers: auth, body: events(8) });
    expect(await res.json()).toMatchObject({ accepted: 8 });
    expect((await fetch(`${server.baseUrl}/api/v1/users?asOf=2026-03-20`, { headers: auth })).status).toBe(200);

    let text = "";
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      text = await scrape();
      if (
        /^orgtrail_bucket_export_pending_events\{org="default"\} 0$/m.test(text) &&
        /^orgtrail_job_last_success_timestamp_seconds\{job_name="bucket-export"\} /m.test(text)
      )
        break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(text).toMatch(/^orgtrail_bucket_export_pending_events\{org="default"\} 0$/m);
    expect(text).toMatch(/^orgtrail_job_last_success_timestamp_seconds\{job_name="bucket-export"\} \d/m);
    expect(text).toMatch(/^orgtrail_job_seconds_since_last_success\{job_name="bucket-export"\} \d/m);
    expect(text).toMatch(/^orgtrail_job_failures_total\{job_name="bucket-export"\} 0$/m);
    expect(text).toMatch(/^orgtrail_bucket_export_events_total\{org="default"\} 8$/m);
    expect(text).toMatch(/^orgtrail_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/ingest",status="200"\} 1$/m);
    expect(text).toMatch(/^orgtrail_http_request_duration_seconds_bucket\{le="0.5",method="GET",route="\/api\/v1\/users",status="200"\} \d/m);
    expect(text).toMatch(/^orgtrail_events_ingested_total\{org="default",action="user:login"\} 3$/m);
    expect(text).toMatch(/^orgtrail_build_info\{/m);
    expect(text).not.toMatch(/@|x\.test|127\.0\.0\.1|S3RVER/);

    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (promtool.error) throw new Error(`promtool is missing (apt-get install -y prometheus): ${promtool.error.message}`);
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).toBe("");
    expect(promtool.status).toBe(0);

    const bucket = openBucket("s3://audit/orgtrail", { endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS });
    try {
      expect((await readBucket(bucket)).flatMap((o) => o.lines)).toHaveLength(8);
    } finally {
      bucket.close();
    }
  });

  it("exports from the CLI to another prefix with the same S3 settings", async () => {
    const result = await runCli(["export", "--to", "s3://audit/cli-copy"], { databaseUrl, env: s3.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^exported \d+ events in 1 objects to s3:\/\/audit\/cli-copy\n$/);
    const again = await runCli(["export", "--to", "s3://audit/cli-copy"], { databaseUrl, env: s3.env });
    expect(again.stdout).toBe("exported 0 events in 0 objects to s3://audit/cli-copy\n");
  });
});
