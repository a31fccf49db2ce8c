// The store going away (docs/RELIABILITY.md, "Faults"): PostgreSQL cut off behind a TCP proxy,
// SQLite on a full file system. The API answers 503 with a generic message and Retry-After
// (no stack, no connection string, no host or port), an ingest never claims events it did
// not commit, and the same server process answers 200 again once the store is back.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { countEvents, expectConsistentStore, startProxy, waitFor, writeEventsFile, type CuttableProxy } from "../support/faults";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function adminHeaders(databaseUrl: string): Promise<Record<string, string>> {
  const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
  return { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}` };
}

/** A 503 of the store being unavailable: generic JSON, Retry-After, nothing about the store's address. */
async function expectUnavailable(response: Response, secrets: string[]): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(response.headers.get("retry-after") ?? "", "Retry-After").toMatch(/^\d+$/);
  const body = JSON.parse(text) as { error?: { code?: string; message?: string }; accepted?: unknown };
  expect(body.error?.code).toBe("unavailable");
  expect(body.error?.message).toMatch(/unavailable/);
  expect(body.accepted).toBeUndefined(); // no claim of stored events
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\n\s+at |ECONN|SQLITE_|postgres:\/\/|Connection terminated/);
}

describe.skipIf(testStoreKind() !== "postgres")("PostgreSQL going away", () => {
  let proxy: CuttableProxy | undefined;
  afterAll(async () => proxy?.close());

  it("answers 503 while the connection is cut and 200 again, without a restart, once it is back", async () => {
    const directUrl = await createTestDatabaseUrl();
    const target = new URL(directUrl);
    proxy = await startProxy(Number(target.port));
    const viaProxy = new URL(directUrl);
    viaProxy.port = String(proxy.port);
    const databaseUrl = viaProxy.toString();

    const dir = mkdtempSync(join(testTmpRoot(), "faults-pg-"));
    const file = join(dir, "events.ndjson");
    const keys = writeEventsFile(file, 51, 300);
    const later = join(dir, "later.ndjson");
    const laterKeys = writeEventsFile(later, 52, 300);
    const auth = await adminHeaders(directUrl);
    const server = await startServer({ databaseUrl });
    servers.push(server);

    const ingest = (path: string) =>
      fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", headers: { ...auth, "Content-Type": "application/x-ndjson" }, body: readFileSync(path) });
    const reads = () => [
      fetch(`${server.baseUrl}/api/v1/activity`, { headers: auth }),
      fetch(`${server.baseUrl}/api/v1/users`, { headers: auth }),
      fetch(`${server.baseUrl}/admin/audit_logs`, { headers: auth }),
    ];
    expect((await ingest(file)).status).toBe(200);
    for (const r of await Promise.all(reads())) expect(r.status, await r.text()).toBe(200);

    await proxy.cut();
    // Idle pooled connections learn of the cut now: an unhandled pool 'error' would end the process.
    await new Promise((r) => setTimeout(r, 1000));
    const secrets = [String(proxy.port), String(target.port), target.pathname.slice(1), "127.0.0.1"];
    for (const r of await Promise.all(reads())) await expectUnavailable(r, secrets);
    await expectUnavailable(await ingest(later), secrets);
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.text()).not.toContain(String(proxy.port));

    await proxy.restore();
    await waitFor("/api/health to answer 200 again", async () => (await fetch(`${server.baseUrl}/api/health`)).status === 200, 30_000);
    for (const r of await Promise.all(reads())) expect(r.status, await r.text()).toBe(200);
    const resent = await ingest(later);
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ accepted: laterKeys.length, duplicates: 0 });
    // The idle connections' errors were handled by the pool's listener: Next would only log an
    // uncaught one and carry on, a CLI or any plain Node process would die of it.
    expect(server.output().stderr).not.toMatch(/uncaughtException|Unhandled 'error' event/);

    const store = await openStore(directUrl);
    try {
      await expectConsistentStore(store, directUrl, [...keys, ...laterKeys]);
    } finally {
      await store.close();
    }
  }, 240_000);
});

/** A tmpfs of `size` mounted on a new temp dir, or null (and why) when this process may not mount. */
function mountTmpfs(size: string): { dir: string; unmount(): void } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: "not root: cannot mount a small tmpfs to fill" };
  const dir = mkdtempSync(join(testTmpRoot(), "faults-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    return { skip: `mount -t tmpfs failed: ${(error as Error).message}` };
  }
  return { dir, unmount: () => execFileSync("umount", ["-l", dir], { stdio: "pipe" }) };
}

/** Writes zeros to `path` until the file system is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(testStoreKind() !== "sqlite")("SQLite on a full file system", () => {
  it("answers 503 to an ingest that cannot be written, stores none of it, and ingests again once there is space", async (ctx) => {
    const mounted = mountTmpfs("16m");
    if ("skip" in mounted) {
      console.warn(`faults-unavailable: SQLite full-disk case skipped: ${mounted.skip}`);
      ctx.skip();
      return;
    }
    try {
      const databaseUrl = `file:${join(mounted.dir, "orgtrail.db")}`;
      const dir = mkdtempSync(join(testTmpRoot(), "faults-full-files-"));
      const first = join(dir, "first.ndjson");
      const big = join(dir, "big.ndjson");
      const firstKeys = writeEventsFile(first, 61, 200);
      const bigKeys = writeEventsFile(big, 62, 4000);
      const auth = await adminHeaders(databaseUrl);
      // The key lives off the small file system; `verify` below must be given the same one.
      const keyEnv = { ORGTRAIL_SIGNING_KEY_FILE: join(dir, "signing.key") };
      const server = await startServer({ databaseUrl, env: keyEnv });
      servers.push(server);
      const ingest = (path: string) =>
        fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", headers: { ...auth, "Content-Type": "application/x-ndjson" }, body: readFileSync(path) });

      expect((await ingest(first)).status).toBe(200);
      const filler = join(mounted.dir, "filler");
      fillDisk(filler);
      await expectUnavailable(await ingest(big), [mounted.dir]);
      // Reading still works on a full disk.
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);

      rmSync(filler);
      const again = await ingest(big);
      expect(again.status, await again.clone().text()).toBe(200);
      expect(await again.json()).toMatchObject({ accepted: bigKeys.length, duplicates: 0 });
      await server.stop();

      const store = await openStore(databaseUrl);
      try {
        expect(await countEvents(store)).toBe(firstKeys.length + bigKeys.length);
        await expectConsistentStore(store, databaseUrl, [...firstKeys, ...bigKeys], { env: keyEnv });
      } finally {
        await store.close();
      }
    } finally {
      for (const s of servers) await s.stop();
      mounted.unmount();
    }
  }, 240_000);
});
