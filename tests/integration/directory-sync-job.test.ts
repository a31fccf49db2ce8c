// The server's scheduled directory sync (lib/sources/directory-sync-job.ts): with
// ORGTRAIL_UPSTREAM_URL set it reads the platform's SCIM API with the upstream's credentials,
// records its run in job_state (the summary as the job's checkpoint), and a failing run leaves
// the directory as it was with an error naming the URL. Against the built server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { startServer, type RunningServer } from "../support/server";
import { startScimServer, type ScimFixtureUser, type ScimServer } from "../support/scim-server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const USERS: ScimFixtureUser[] = Array.from({ length: 25 }, (_, i) => ({
  id: `id-${i}`,
  userName: `u${i}`,
  displayName: `U ${i}`,
  email: `u${i}@acme.test`,
  emailForm: i % 2 ? "wandb" : "array",
  active: i !== 7,
  created: "2025-01-02T03:04:05Z",
  role: i === 0 ? "admin" : "member",
}));

describe(`the scheduled directory sync on ${testStoreKind()}`, () => {
  let scim: ScimServer;
  let server: RunningServer;
  let store: Store;

  const jobState = () => store.db.selectFrom("job_state").selectAll().where("name", "=", "directory-sync:default").executeTakeFirst();
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output().stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    scim = await startScimServer({
      users: USERS,
      groups: [{ id: "g", displayName: "vision", members: ["id-1", "id-2"] }],
      admins: [{ username: "wb", apiKey: "k" }],
      maxPageSize: 10,
    });
    const databaseUrl = await createTestDatabaseUrl();
    store = await openStore(databaseUrl);
    server = await startServer({
      databaseUrl,
      env: {
        ORGTRAIL_UPSTREAM_URL: scim.baseUrl,
        ORGTRAIL_UPSTREAM_USERNAME: "wb",
        ORGTRAIL_UPSTREAM_API_KEY: "k",
        ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS: "2",
      },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await store?.close();
    await scim?.close();
  });

  it("syncs the directory on schedule and records the run", async () => {
    const state = await until("a successful directory sync", async () => ((await jobState())?.last_success_at ? jobState() : undefined));
    expect(state!.consecutive_failures).toBe(0);
    expect(JSON.parse(state!.checkpoint!)).toMatchObject({ v: 1, org: "default", users: 25, groups: 1, inactive: 1, rejected: 0 });
    const users = await store.db.selectFrom("users").select(["username", "teams", "directory_active"]).orderBy("id").execute();
    expect(users).toHaveLength(25);
    expect(users[1]).toEqual({ username: "u1", teams: JSON.stringify(["vision"]), directory_active: 1 });
    expect(users[7]!.directory_active).toBe(0);
    expect(scim.authorizations.filter((a) => a !== "")).toContain(`Basic ${Buffer.from("wb:k").toString("base64")}`);
  });

  it("an upstream without a SCIM API (another orgtrail) is noted, not a failing job", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const other = await startServer({
      databaseUrl,
      env: { ORGTRAIL_UPSTREAM_URL: `${scim.baseUrl}/no-scim-here`, ORGTRAIL_UPSTREAM_API_KEY: "k", ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS: "1" },
    });
    const otherStore = await openStore(databaseUrl);
    try {
      const deadline = Date.now() + 30_000;
      let state;
      while (
        !(state = await otherStore.db.selectFrom("job_state").selectAll().where("name", "=", "directory-sync:default").executeTakeFirst())?.last_success_at
      ) {
        if (Date.now() > deadline) throw new Error(`no directory-sync run\n${other.output().stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(state!.total_failures).toBe(0);
      expect(JSON.parse(state!.checkpoint!).skipped).toContain(
        "no-scim-here/scim/Users?startIndex=1&count=100: answered 404 Not Found: no SCIM API at this URL",
      );
      expect(other.output().stderr).toContain("orgtrail: directory sync skipped:");
    } finally {
      await otherStore.close();
      await other.stop();
    }
  });

  it("a failing run keeps the directory and says which URL failed", async () => {
    const before = await store.db.selectFrom("users").selectAll().orderBy("id").execute();
    scim.users[3] = { ...scim.users[3]!, displayName: "Not Applied" };
    scim.failAt = { kind: "Users", startIndex: 21, status: 403 };
    const state = await until("a failed directory sync", async () => {
      const s = await jobState();
      return s?.last_error ? s : undefined;
    });
    expect(state.last_error).toContain(`${scim.baseUrl}/scim/Users?startIndex=21&count=100: upstream answered 403 Forbidden`);
    expect(await store.db.selectFrom("users").selectAll().orderBy("id").execute()).toEqual(before);
  });
});
