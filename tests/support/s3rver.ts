// A fake S3 (s3rver) for bucket-sync tests: loopback, a free port, a temp dir; stop() and
// start() again on the same port and directory simulate an outage and a recovery.
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import S3rver from "s3rver";
import { freePort } from "./postgres";
import { testTmpRoot } from "./store";

export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface FakeS3 {
  endpoint: string;
  port: number;
  /** What the server writes its objects under (survives stop/start). */
  directory: string;
  /** The env a server or CLI needs to reach it. */
  env: Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeS3(buckets: string[]): Promise<FakeS3> {
  const directory = mkdtempSync(join(testTmpRoot(), "s3rver-"));
  const port = await freePort();
  let server: S3rver | null = null;
  const fake: FakeS3 = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    env: {
      ORGTRAIL_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
    },
    async start() {
      if (server) return;
      server = new S3rver({ address: "127.0.0.1", port, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
      await server.run();
    },
    async stop() {
      const s = server;
      server = null;
      await s?.close();
    },
  };
  await fake.start();
  return fake;
}
