// orgtrail's own access log (issue 13, finding 5 and "Sessions and keys"): refused requests
// are aggregated per client and minute, so a flood adds a bounded number of rows; sign-ins,
// sign-outs and key rotations are written one by one; admins page through it on Settings;
// rows older than ORGTRAIL_ACCESS_LOG_DAYS are deleted by a job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;

interface Entry {
  id: number;
  at: string;
  lastAt: string;
  event: string;
  username: string | null;
  client: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  count: number;
}
interface Page {
  entries: Entry[];
  nextBefore: number | null;
}

async function countRows(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom("access_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe(`access log (${testStoreKind()})`, () => {
  let server: RunningServer;
  let store: Store;
  let databaseUrl = "";
  let adminKey = "";
  let auditorKey = "";

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    adminKey = (await runCli(["admin", "create", "admin"], { databaseUrl })).stdout.trim();
    auditorKey = (await runCli(["admin", "create", "watcher", "--role", "auditor"], { databaseUrl })).stdout.trim();
    store = await openStore(databaseUrl);
    // Rows from long ago, and one recent: the retention job keeps only what is younger than 30 days.
    const now = Date.now();
    await store.db
      .insertInto("access_log")
      .values([
        { at: now - 400 * DAY, account_id: null, method: "GET", path: "/ancient", status: 401 },
        { at: now - 31 * DAY, account_id: null, method: "GET", path: "/old", status: 401 },
        { at: now - 2 * DAY, account_id: null, method: "GET", path: "/recent", status: 401 },
      ])
      .execute();
    server = await startServer({ databaseUrl, env: { ORGTRAIL_ACCESS_LOG_DAYS: "30" } });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  it("deletes rows older than ORGTRAIL_ACCESS_LOG_DAYS", async () => {
    await waitFor("the retention job", async () => {
      const paths = (await store.db.selectFrom("access_log").select("path").execute()).map((r) => r.path);
      return paths.includes("/old") ? undefined : paths;
    });
    const paths = (await store.db.selectFrom("access_log").select("path").execute()).map((r) => r.path);
    expect(paths).toContain("/recent");
    expect(paths).not.toContain("/ancient");
  });

  it("aggregates a flood of refused requests per client and minute", async () => {
    await sleep(1500); // let earlier entries reach the store
    const before = await countRows(store);
    const flood = 600;
    for (let i = 0; i < flood; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(`${server.baseUrl}/admin/audit_logs`, { headers: { authorization: basic(`intruder-${i + j}`, "otk_wrong") } }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    const counted = await waitFor("the refusals to be written", async () => {
      const rows = await store.db.selectFrom("access_log").selectAll().where("path", "=", "/admin/audit_logs").execute();
      const total = rows.reduce((n, r) => n + Number((r as { count?: number }).count ?? 1), 0);
      return total >= flood ? rows : undefined;
    });
    // One row per client, status (401, then 429 once throttled) and minute; the flood may straddle a minute boundary.
    expect(counted.length).toBeLessThanOrEqual(4);
    expect((await countRows(store)) - before).toBeLessThanOrEqual(4);
  });

  it("records sign-in, sign-out and key rotation, and shows them to admins only, page by page", async () => {
    const signIn = await fetch(`${server.baseUrl}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "access-log-test/1.0" },
      body: JSON.stringify({ username: "admin", apiKey: adminKey }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    expect((await fetch(`${server.baseUrl}/api/v1/session`, { method: "DELETE", headers: { cookie } })).status).toBe(200);
    const rotated = await runCli(["admin", "rotate-key", "admin"], { databaseUrl });
    expect(rotated.code, rotated.stderr).toBe(0);
    adminKey = rotated.stdout.trim();

    const read = async (query = "") => {
      const res = await fetch(`${server.baseUrl}/api/v1/settings/access-log${query}`, { headers: { authorization: basic("admin", adminKey) } });
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    };
    const all = await waitFor("the sign-in and sign-out entries", async () => {
      const page = await read("?limit=100");
      const events = page.entries.map((e) => e.event);
      return events.includes("sign_in") && events.includes("sign_out") && events.includes("key_rotated") ? page.entries : undefined;
    });
    const signInEntry = all.find((e) => e.event === "sign_in")!;
    expect(signInEntry.username).toBe("admin");
    expect(signInEntry.client).toBe("127.0.0.1");
    const refused = all.filter((e) => e.event === "refused" && e.path === "/admin/audit_logs");
    expect(refused.reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(600);
    expect(new Set(refused.map((e) => e.status))).toEqual(new Set([401, 429]));

    // Paging: newest first, `before` continues where a page ended, no entry twice.
    const first = await read("?limit=2");
    expect(first.entries).toHaveLength(2);
    expect(first.nextBefore).not.toBeNull();
    const second = await read(`?limit=2&before=${first.nextBefore}`);
    expect(second.entries[0]!.id).toBeLessThan(first.entries[1]!.id);

    const auditor = await fetch(`${server.baseUrl}/api/v1/settings/access-log`, { headers: { authorization: basic("watcher", auditorKey) } });
    expect(auditor.status).toBe(403);
  });
});
