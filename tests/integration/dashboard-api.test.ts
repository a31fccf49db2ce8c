// The dashboard API route handlers (SPEC §6), called in-process on a real store: parameter
// validation, auth, the CSV download and the users import body rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/accounts";
import { getStore } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { GET as getActivityRoute } from "@/app/api/v1/activity/route";
import { GET as getPanelRoute } from "@/app/api/v1/activity/panel/route";
import { GET as getExportRoute } from "@/app/api/v1/users/export.csv/route";
import { POST as postImportRoute } from "@/app/api/v1/users/import/route";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;
const saved = { ...process.env };
let admin = "";
let member = "";

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const get = (path: string, auth = admin) => new Request(`http://localhost${path}`, { headers: { authorization: auth } });
const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { method: "POST", body, headers: { authorization: admin, ...headers } });

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe(`dashboard API routes on ${testStoreKind()}`, () => {
  beforeAll(async () => {
    process.env.ORGTRAIL_DATABASE_URL = await createTestDatabaseUrl();
    process.env.ORGTRAIL_TODAY = "2026-03-31";
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    process.env.ORGTRAIL_MAX_BODY_BYTES = "4096";
    resetEnvCache();
    const store = await getStore();
    const a = await createAccount(store.db, "boss", ["default"], "admin");
    admin = basic("boss", a.apiKey);
    const m = await createAccount(store.db, "peon", ["default"], "member");
    member = basic("peon", m.apiKey);
    const org = await store.db.selectFrom("organizations").select("id").where("slug", "=", "default").executeTakeFirstOrThrow();
    const imported = await postImportRoute(post("/api/v1/users/import", readFileSync(join(EXAMPLE, "users.csv"), "utf8"), { "content-type": "text/csv" }));
    expect(await imported.json()).toEqual({ format: "csv", created: 2, updated: 0, rejected: [] });
    await ingestNdjson(store, org.id, chunksOf(readFileSync(join(EXAMPLE, "events.ndjson"), "utf8")), { deployment: "self-managed" });
  });
  afterAll(async () => {
    await (await getStore()).close();
    process.env = saved;
    resetEnvCache();
  });

  it("lists users, asOf defaulting to ORGTRAIL_TODAY", async () => {
    const res = await getUsersRoute(get("/api/v1/users"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { asOf: string; users: { email: string }[] };
    expect(body.asOf).toBe("2026-03-31");
    expect(body.users.map((u) => u.email)).toEqual(["ana@acme.test", "bo@acme.test", "root@acme.test", "cy@acme.test", "di@acme.test", "eve@acme.test"]);
  });

  it("?status= lists only the users of that status, the same rows as the whole list; inDirectory tells event-only users", async () => {
    type Row = { email: string; status: string; inDirectory: boolean };
    const all = ((await (await getUsersRoute(get("/api/v1/users"))).json()) as { users: Row[] }).users;
    const seen = new Set<string>();
    for (const status of ["active", "inactive", "invite_pending", "deactivated"]) {
      const res = await getUsersRoute(get(`/api/v1/users?status=${status}`));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { asOf: string; users: Row[] };
      expect(body.asOf).toBe("2026-03-31");
      expect(body.users).toEqual(all.filter((u) => u.status === status));
      for (const u of body.users) seen.add(u.email);
    }
    // Every user is in exactly one status.
    expect(seen.size).toBe(all.length);
    expect(all.filter((u) => !u.inDirectory).map((u) => u.email)).toEqual(["root@acme.test", "cy@acme.test", "di@acme.test", "eve@acme.test"]);
    const csv = await getExportRoute(get("/api/v1/users/export.csv?status=invite_pending"));
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="users-default-2026-03-31-invite_pending.csv"');
    expect((await csv.text()).trim().split("\n").slice(1)).toEqual(['"","","","","di@acme.test","vision","Invite pending",0,0,0,""']);
  });

  it("answers activity (default period 3m) and the panel (default range 30)", async () => {
    const activity = (await (await getActivityRoute(get("/api/v1/activity"))).json()) as { period: string; from: string; totalActiveUsers: number };
    expect(activity).toMatchObject({ period: "3m", from: "2025-12-31", to: "2026-03-31", totalActiveUsers: 3 });
    const panel = (await (await getPanelRoute(get("/api/v1/activity/panel?range=7&asOf=2026-03-31"))).json()) as { activeUserCount: number };
    expect(panel).toMatchObject({ from: "2026-03-25", activeUserCount: 2 });
    const panel30 = (await (await getPanelRoute(get("/api/v1/activity/panel"))).json()) as { from: string };
    expect(panel30.from).toBe("2026-03-02");
  });

  it.each([
    ["/api/v1/users?asOf=2026-02-30", getUsersRoute, /asOf/],
    ["/api/v1/users/export.csv?asOf=tomorrow", getExportRoute, /asOf/],
    ["/api/v1/activity?period=2w", getActivityRoute, /period/],
    ["/api/v1/activity?asOf=2026-13-01", getActivityRoute, /asOf/],
    ["/api/v1/activity/panel?range=14", getPanelRoute, /range/],
    ["/api/v1/users?status=pending", getUsersRoute, /status must be one of active, invite_pending, deactivated, inactive/],
    ["/api/v1/users/export.csv?status=all", getExportRoute, /status/],
  ] as const)("400 for %s", async (path, route, message) => {
    const res = await route(get(path));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(message);
  });

  it("401 without credentials, 403 for a member", async () => {
    const anonymous = await getUsersRoute(new Request("http://localhost/api/v1/users"));
    expect(anonymous.status).toBe(401);
    // No Basic challenge for a browser without a session: it would pop the browser's own dialog.
    expect(anonymous.headers.get("www-authenticate")).toBeNull();
    const badBasic = await getUsersRoute(
      new Request("http://localhost/api/v1/users", { headers: { Authorization: "Basic " + Buffer.from("x:y").toString("base64") } }),
    );
    expect(badBasic.status).toBe(401);
    expect(badBasic.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await getUsersRoute(get("/api/v1/users", member))).status).toBe(403);
  });

  it("downloads the CSV", async () => {
    const res = await getExportRoute(get("/api/v1/users/export.csv?asOf=2026-03-31"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="users-default-2026-03-31.csv"');
    const lines = (await res.text()).split("\n");
    expect(lines[0]).toBe(
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
    );
    expect(lines[1]).toBe('"Ana A","ana","2026-03-31T01:30:00.000Z","admin","ana@acme.test","nlp, vision","Active",2,40,2,"Full"');
    expect(lines[5]).toBe('"","","","","di@acme.test","vision","Invite pending",0,0,0,""');
    expect(lines).toHaveLength(8);
  });

  it("re-importing the export updates and changes nothing (but that every user is now in the directory)", async () => {
    type Body = { users: { inDirectory: boolean }[] };
    const withoutSource = (b: Body) => ({ ...b, users: b.users.map(({ inDirectory: _, ...u }) => u) });
    const csv = await (await getExportRoute(get("/api/v1/users/export.csv"))).text();
    const before = (await (await getUsersRoute(get("/api/v1/users"))).json()) as Body;
    const res = await postImportRoute(post("/api/v1/users/import", csv));
    expect(await res.json()).toEqual({ format: "csv", created: 0, updated: 6, rejected: [] });
    const after = (await (await getUsersRoute(get("/api/v1/users"))).json()) as Body;
    expect(withoutSource(after)).toEqual(withoutSource(before));
    expect(after.users.every((u) => u.inDirectory)).toBe(true);
  });

  it("import: 400 for malformed input or invalid UTF-8, 413 past the limit", async () => {
    const bad = await postImportRoute(post("/api/v1/users/import", "who,what\n1,2\n"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/line 1/);
    const scim = await postImportRoute(post("/api/v1/users/import", "{}", { "content-type": "application/scim+json" }));
    expect(scim.status).toBe(400);
    const utf8 = await postImportRoute(post("/api/v1/users/import", new Uint8Array([0x22, 0xff, 0xfe, 0x22])));
    expect(utf8.status).toBe(400);
    expect(((await utf8.json()) as { error: { message: string } }).error.message).toMatch(/UTF-8/);
    const big = await postImportRoute(post("/api/v1/users/import", `"Email"\n${"x".repeat(5000)}@a.b\n`));
    expect(big.status).toBe(413);
  });
});
