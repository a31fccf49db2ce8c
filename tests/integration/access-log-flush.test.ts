// The access log's once-a-second flush on SQLite while another process holds the write lock (as
// `orgtrail ingest` does for each batch): better-sqlite3 waits for a busy lock on the calling
// thread, so a flush that waited stopped the server's event loop, every request with it, until
// the batch committed (docs/PERFORMANCE.md, "Dashboard routes while a CLI ingest runs"). The
// flush keeps its aggregates instead and writes them once the lock is free; after 10 s of that
// it waits for the lock as before, so the log is late by at most that much.
import { spawn } from "node:child_process";
import { once } from "node:events";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { flushAccessLog, recordAccess } from "@/lib/auth/access-log";
import { getStore } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const saved = { ...process.env };
const refused = (path: string) => new Request(`http://localhost${path}`, { headers: { "x-forwarded-for": "192.0.2.7" } });

describe.skipIf(testStoreKind() !== "sqlite")("access log flush while another connection holds the SQLite write lock", () => {
  let file = "";
  let other: BetterSqlite3.Database;
  const rows = () =>
    other.prepare("SELECT path, count FROM access_log WHERE path LIKE '/flush-test/%' ORDER BY path").all() as { path: string; count: number }[];

  beforeAll(async () => {
    const url = await createTestDatabaseUrl();
    file = url.slice("file:".length);
    process.env.ORGTRAIL_DATABASE_URL = url;
    resetEnvCache();
    await getStore(); // migrated
    other = new BetterSqlite3(file);
    // Only the explicit flushes below run: the buffer's own timer would race them.
    vi.useFakeTimers({ toFake: ["setTimeout"] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    other?.close();
    await (await getStore()).close();
    process.env = saved;
    resetEnvCache();
  });

  it("does not wait for the lock, and writes what it kept once the lock is free", async () => {
    recordAccess(refused("/flush-test/a"), 401);
    other.exec("BEGIN IMMEDIATE");
    const started = performance.now();
    await flushAccessLog();
    const waited = performance.now() - started;
    other.exec("COMMIT");
    // busy_timeout is 10 s: a flush that waited would have taken that long.
    expect(waited).toBeLessThan(1_000);
    expect(rows()).toEqual([]);

    // The same client, status and minute again meanwhile: one entry counting both.
    recordAccess(refused("/flush-test/a"), 401);
    await flushAccessLog();
    expect(rows()).toEqual([{ path: "/flush-test/a", count: 2 }]);
  });

  it("waits for the lock once its aggregates have waited 10 s", async () => {
    const now = Date.now();
    recordAccess(refused("/flush-test/b"), 403, now);
    other.exec("BEGIN IMMEDIATE");
    await flushAccessLog(now);
    other.exec("COMMIT");
    expect(rows().map((r) => r.path)).not.toContain("/flush-test/b");

    // Another process holds the lock for 500 ms (this thread would block on it, so not here).
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = new (require("better-sqlite3"))(process.argv[1]); db.exec("BEGIN IMMEDIATE"); console.log("locked");
         setTimeout(() => { db.exec("COMMIT"); db.close(); }, 500);`,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await once(holder.stdout!, "data");
    const started = performance.now();
    await flushAccessLog(now + 10_000);
    expect(performance.now() - started).toBeGreaterThan(300);
    await once(holder, "exit");
    expect(rows()).toContainEqual({ path: "/flush-test/b", count: 1 });
  });
});
