// The user page's API (GET /api/v1/users/[id]) and the ids it is reached by (`id` in
// GET /api/v1/users and in the panel's most active users), called in-process on a real store
// (SQLite, or PostgreSQL with ORGTRAIL_TEST_STORE=postgres) over the small-org example, whose
// active days and lifecycle events are few enough to write down by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getPanelRoute } from "@/app/api/v1/activity/panel/route";
import { GET as getUserRoute } from "@/app/api/v1/users/[id]/route";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import type { ListedUser, PanelResponse, UserDetail } from "@/lib/activity/types";
import { createAccount } from "@/lib/auth/accounts";
import { getStore } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { importUsers } from "@/lib/users/import-users";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;
const saved = { ...process.env };
const auth: Record<string, string> = {};

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const get = (path: string, who = "admin") => new Request(`http://localhost${path}`, { headers: who === "anonymous" ? {} : { authorization: auth[who]! } });

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

/** Calls the route as Next.js does, with the [id] segment. */
const userRoute = (id: string, query = "", who = "admin") => getUserRoute(get(`/api/v1/users/${id}${query}`, who), { params: Promise.resolve({ id }) });

async function listed(query = ""): Promise<ListedUser[]> {
  const res = await getUsersRoute(get(`/api/v1/users${query}`));
  expect(res.status).toBe(200);
  return ((await res.json()) as { users: ListedUser[] }).users;
}

async function detail(id: number, query = ""): Promise<UserDetail> {
  const res = await userRoute(String(id), query);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as UserDetail;
}

describe(`the user page API on ${testStoreKind()}`, () => {
  let otherUserId = 0;

  beforeAll(async () => {
    process.env.ORGTRAIL_DATABASE_URL = await createTestDatabaseUrl();
    process.env.ORGTRAIL_TODAY = "2026-03-31";
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    resetEnvCache();
    const store = await getStore();
    for (const [name, role] of [
      ["admin", "admin"],
      ["auditor", "auditor"],
      ["member", "member"],
    ] as const) {
      auth[name] = basic(`u-${name}`, (await createAccount(store.db, `u-${name}`, ["default"], role)).apiKey);
    }
    const orgId = await ensureOrg(store.db, "default");
    await importUsers(store, orgId, readFileSync(join(EXAMPLE, "users.csv"), "utf8"));
    await ingestNdjson(store, orgId, chunksOf(readFileSync(join(EXAMPLE, "events.ndjson"), "utf8")), { deployment: "self-managed" });
    // Another organization's user: never reachable from this one.
    const other = await ensureOrg(store.db, "other");
    await ingestNdjson(
      store,
      other,
      chunksOf('{"action":"user:login","timestamp":"2026-03-30T10:00:00Z","actor_email":"olga@other.test","response_code":200}\n'),
      { deployment: "self-managed" },
    );
    otherUserId = Number((await store.db.selectFrom("users").select("id").where("org_id", "=", other).executeTakeFirstOrThrow()).id);
  });
  afterAll(async () => {
    await (await getStore()).close();
    process.env = saved;
    resetEnvCache();
  });

  it("lists each user with its id, and answers each id with exactly the listed row", async () => {
    for (const asOf of ["", "?asOf=2026-03-25", "?asOf=2025-10-01"]) {
      const users = await listed(asOf);
      expect(users.length).toBeGreaterThan(0);
      expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
      for (const u of users) {
        const d = await detail(u.id, asOf);
        expect(d.user, `${u.email} ${asOf}`).toEqual(u);
        expect(d.asOf).toBe(asOf ? asOf.slice(6) : "2026-03-31");
      }
    }
  });

  it("gives the active days of the 12 months ending on asOf with their active events, from user_day", async () => {
    const users = await listed();
    const byEmail = (email: string) => users.find((u) => u.email === email)!;
    const ana = await detail(byEmail("ana@acme.test").id);
    expect([ana.from, ana.to]).toEqual(["2025-03-31", "2026-03-31"]);
    // The login at 23:30 -02:00 on the 30th is on the 31st in UTC; ANA@ in capitals is Ana.
    expect(ana.days).toEqual([
      { date: "2026-03-29", events: 1 },
      { date: "2026-03-31", events: 1 },
    ]);
    expect(ana.days).toHaveLength(ana.user.activeDays);
    expect(ana.actorTerm).toBe("ana@acme.test");
    // Bo's failed login (401) is not an active day.
    expect((await detail(byEmail("bo@acme.test").id)).days).toEqual([{ date: "2025-09-30", events: 1 }]);
    // Twelve months back from 2026-03-30: the day before the 31st is out of the range as of then.
    const earlier = await detail(byEmail("ana@acme.test").id, "?asOf=2026-03-30");
    expect([earlier.from, earlier.days]).toEqual(["2025-03-30", [{ date: "2026-03-29", events: 1 }]]);
  });

  it("gives every lifecycle event aimed at the user up to asOf, with who did it", async () => {
    const users = await listed();
    const byEmail = (email: string) => users.find((u) => u.email === email)!;
    expect((await detail(byEmail("ana@acme.test").id)).lifecycle).toEqual([
      { action: "user:create", timestamp: "2025-06-01T09:00:00.000Z", team: null, by: "root@acme.test", status: null },
    ]);
    expect((await detail(byEmail("di@acme.test").id)).lifecycle).toEqual([
      { action: "team:invite_user", timestamp: "2026-01-10T12:00:00.000Z", team: "vision", by: "root@acme.test", status: null },
    ]);
    const eve = await detail(byEmail("eve@acme.test").id);
    expect(eve.user.status).toBe("deactivated");
    expect(eve.lifecycle.map((l) => l.action)).toEqual(["user:deactivate"]);
    // As of a day before the deactivation, it has not happened yet.
    expect((await detail(byEmail("eve@acme.test").id, "?asOf=2026-02-28")).lifecycle).toEqual([]);
    expect((await detail(byEmail("bo@acme.test").id)).lifecycle).toEqual([]);
  });

  it("404 for a deleted user (listed the day before), another organization's user, and ids that name nobody", async () => {
    const before = (await listed("?asOf=2026-03-25")).find((u) => u.email === "fox@acme.test")!;
    expect(before).toBeDefined();
    expect((await detail(before.id, "?asOf=2026-03-25")).user.email).toBe("fox@acme.test");
    const gone = await userRoute(String(before.id));
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: { code: "not_found", message: "no such user in this organization" } });
    for (const id of [String(otherUserId), "0", "abc", "1.5", "99999999999", "2147483648", "-1"]) expect((await userRoute(id)).status, id).toBe(404);
    // The other organization's admin sees that user, through ?org=.
    const store = await getStore();
    const olga = await createAccount(store.db, "u-olga", ["other"], "admin");
    auth.olga = basic("u-olga", olga.apiKey);
    expect((await userRoute(String(otherUserId), "?org=other", "olga")).status).toBe(200);
  });

  it("links the panel's most active users to the same ids", async () => {
    const users = await listed();
    const res = await getPanelRoute(get("/api/v1/activity/panel?range=7"));
    const panel = (await res.json()) as PanelResponse;
    expect(panel.mostActive.length).toBeGreaterThan(0);
    for (const m of panel.mostActive) expect(users.find((u) => u.id === m.id)?.email).toBe(m.email);
  });

  it("lets auditors read, refuses members and anonymous callers, and a bad asOf", async () => {
    const id = String((await listed())[0]!.id);
    expect((await userRoute(id, "", "auditor")).status).toBe(200);
    expect((await userRoute(id, "", "member")).status).toBe(403);
    expect((await userRoute(id, "", "anonymous")).status).toBe(401);
    const bad = await userRoute(id, "?asOf=2026-02-30");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/asOf/);
  });
});
