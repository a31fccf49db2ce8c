// Concurrent writers (docs/RELIABILITY.md, "Faults"): CLI ingests, POSTs, a users import and
// a checkpoint on one store at once all succeed with exact totals, no 500 and no "database
// is locked". On SQLite, a lock held by another process is waited for (BEGIN IMMEDIATE in
// every transaction) and, past busy_timeout, retried (lib/db/retry.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { generateDirectory, usersCsv } from "@/lib/demo/generate";
import { importUsers } from "@/lib/users/import-users";
import { countEvents, expectConsistentStore, startLockHolder, writeEventsFile } from "../support/faults";
import { PROJECT_ROOT, runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

const LOCKED = /database is locked|SQLITE_BUSY/i;

async function adminHeaders(databaseUrl: string): Promise<Record<string, string>> {
  const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
  return { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}`, "Content-Type": "application/x-ndjson" };
}

describe("concurrent writers on one store", () => {
  it("3 CLI ingests, 2 POSTs, a users import and a checkpoint at once: all succeed, totals exact", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "faults-busy-"));
    const env = { ORGTRAIL_SIGNING_KEY_FILE: join(dir, "signing.key") };
    const cliFiles = [31, 32, 33].map((seed) => join(dir, `cli-${seed}.ndjson`));
    const postFiles = [34, 35].map((seed) => join(dir, `post-${seed}.ndjson`));
    const keys = [...cliFiles.flatMap((f, i) => writeEventsFile(f, 31 + i, 8000)), ...postFiles.flatMap((f, i) => writeEventsFile(f, 34 + i, 3000))];
    const unique = new Set(keys).size;
    const csv = join(dir, "users.csv");
    writeFileSync(csv, usersCsv(generateDirectory({ seed: 31, users: 300, events: 0, endDate: "2026-10-31", days: 90 })));

    const headers = await adminHeaders(databaseUrl);
    const server = await startServer({ databaseUrl, env });
    servers.push(server);

    const [clis, posts, [users, checkpoint]] = await Promise.all([
      Promise.all(cliFiles.map((f) => runCli(["ingest", f], { databaseUrl, env, timeoutMs: 120_000 }))),
      Promise.all(
        postFiles.map(async (f) => {
          const r = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", headers, body: readFileSync(f) });
          return { status: r.status, body: (await r.json()) as { accepted: number; duplicates: number } };
        }),
      ),
      Promise.all([
        runCli(["import-users", csv], { databaseUrl, env }),
        // after the first batches, so that it has a chain to sign
        new Promise((r) => setTimeout(r, 1500)).then(() => runCli(["checkpoint"], { databaseUrl, env })),
      ]),
    ]);
    for (const [i, r] of [...clis, users, checkpoint].entries()) {
      const who = ["ingest 1", "ingest 2", "ingest 3", "import-users", "checkpoint"][i];
      expect(r.stderr, who).not.toMatch(LOCKED);
      expect(r.code, `${who}: ${r.stderr}`).toBe(0);
    }
    for (const r of posts) expect(r.status).toBe(200);
    expect(users.stdout).toMatch(/^created \d+, updated \d+, rejected 0/);
    expect(checkpoint.stdout).toMatch(/default: checkpoint/);
    expect(server.output().stderr).not.toMatch(LOCKED);

    const accepted = clis.map((r) => Number(/accepted (\d+)/.exec(r.stdout)![1])).reduce((a, b) => a + b, 0) + posts.reduce((a, r) => a + r.body.accepted, 0);
    expect(accepted).toBe(unique);
    const store = await openStore(databaseUrl);
    try {
      expect(await countEvents(store)).toBe(unique);
      await expectConsistentStore(store, databaseUrl, [...new Set(keys)], { ordered: false, env });
    } finally {
      await store.close();
    }
  }, 240_000);
});

describe.skipIf(testStoreKind() !== "sqlite")("SQLite: another process holding the write lock", () => {
  it("a read-then-write transaction (users import) waits for the lock instead of failing with SQLITE_BUSY", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const csv = usersCsv(generateDirectory({ seed: 41, users: 50, events: 0, endDate: "2026-10-31", days: 90 }));
    const store = await openStore(databaseUrl);
    const holder = await startLockHolder(databaseUrl, 1500);
    try {
      const orgId = await ensureOrg(store.db, "default");
      await holder.lock();
      // A deferred transaction would read, then fail at its first write: the holder wrote.
      const result = await importUsers(store, orgId, csv);
      expect(result.created).toBe(50);
      await holder.released;
    } finally {
      holder.stop();
      await store.close();
    }
  }, 120_000);

  it("a lock held longer than busy_timeout is retried: the CLI ingest and POST complete", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "faults-retry-"));
    const file = join(dir, "events.ndjson");
    const keys = writeEventsFile(file, 42, 200);
    const posted = join(dir, "posted.ndjson");
    const postedKeys = writeEventsFile(posted, 43, 200);
    const env = { ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS: "100" };
    const headers = await adminHeaders(databaseUrl);
    const server = await startServer({ databaseUrl, env });
    servers.push(server);

    // The CLI reads stdin: once it has opened the store (it reports the new organization),
    // the lock is taken; then stdin ends and its one batch must wait 2.5 s for the lock.
    const cli = spawn(process.execPath, [join(PROJECT_ROOT, "bin/orgtrail.mjs"), "ingest", "--org", "faults", "-"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, ORGTRAIL_DATABASE_URL: databaseUrl, ORGTRAIL_DEMO: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    cli.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const opened = new Promise<void>((resolve) =>
      cli.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes("created organization faults")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => cli.once("close", resolve));
    const holder = await startLockHolder(databaseUrl, 2500);
    try {
      await opened;
      await holder.lock();
      const started = Date.now();
      cli.stdin.end(readFileSync(file));
      const response = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", headers, body: readFileSync(posted) });
      const body = await response.text();
      expect(await exited, stderr).toBe(0);
      expect(stdout.trim()).toBe("accepted 200, duplicates 0, rejected 0");
      expect(response.status, body).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ accepted: 200, duplicates: 0 });
      expect(Date.now() - started).toBeGreaterThan(1000); // it did wait for the holder
      await holder.released;
    } finally {
      holder.stop();
      cli.kill("SIGKILL");
    }
    const store = await openStore(databaseUrl);
    try {
      const stored = await store.db.selectFrom("events").select("dedupe_key").execute();
      expect(stored.map((r) => r.dedupe_key).sort()).toEqual([...keys, ...postedKeys].sort());
    } finally {
      await store.close();
    }
  }, 180_000);
});
