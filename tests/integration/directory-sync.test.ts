// Directory sync from the platform's SCIM API (docs/DIRECTORY_SYNC.md) against a SCIM server
// built on SCIMMY on 127.0.0.1 (tests/support/scim-server.ts): every page of /scim/Users and
// /scim/Groups, both email forms, roles and teams; the same Users tab as the same users
// imported by CSV (field by field, with the fields a CSV cannot carry named); 401, 403 and a
// failure mid-paging leave the directory as it was; multi-tenant removes inactive members;
// the server's scheduled job does the same with the upstream's credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListedUser } from "@/lib/activity/types";
import { createAccount } from "@/lib/auth/accounts";
import { getStore } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import { runCli } from "../support/server";
import { startScimServer, type ScimFixtureGroup, type ScimFixtureUser, type ScimServer } from "../support/scim-server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const saved = { ...process.env };
const ADMIN = { username: "scim-admin", apiKey: "wb-admin-key" };
const SERVICE = { username: "", apiKey: "sa-key" };
const MEMBER = { username: "scim-member", apiKey: "wb-member-key" };
const ROLES = ["admin", "member", "viewer"];
const USERS = 130;
const TEAMS = 45;

/** 130 users over 4 pages of 40, half in the platform's own shape, one in ten inactive. */
function fixtureUsers(): ScimFixtureUser[] {
  return Array.from({ length: USERS }, (_, i) => {
    const teams = [...new Set([i % TEAMS, (i * 7) % TEAMS])].sort((a, b) => a - b).map((j) => `team-${j}`);
    const wandb = i % 2 === 1;
    return {
      id: `VXNlcjo${1000 + i}`,
      userName: `user${i}`,
      displayName: i % 13 === 0 ? `Zoë Ünal ${i}` : `User ${i}`,
      email: i % 5 === 0 ? `User${i}@Acme.test` : `user${i}@acme.test`,
      emailForm: wandb ? "wandb" : "array",
      active: i % 10 !== 3,
      created: new Date(Date.UTC(2024, i % 12, 1 + (i % 28), 9, i % 60)).toISOString(),
      role: ROLES[i % 3]!,
      ...(wandb ? { teamRoles: teams.map((teamName) => ({ teamName, roleName: "member" })) } : {}),
    };
  });
}

function fixtureGroups(users: ScimFixtureUser[]): ScimFixtureGroup[] {
  return Array.from({ length: TEAMS }, (_, j) => ({
    id: `R3JvdXA${j}`,
    displayName: `team-${j}`,
    members: users.filter((_, i) => i % TEAMS === j || (i * 7) % TEAMS === j).map((u) => u.id),
  }));
}

/** The same users as the platform's CSV export lists them (reports, runs and seat are CSV-only). */
function equivalentCsv(users: ScimFixtureUser[], groups: ScimFixtureGroup[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = ['"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"'];
  users.forEach((u, i) => {
    const teams = groups
      .filter((g) => g.members.includes(u.id))
      .map((g) => g.displayName)
      .sort();
    lines.push(
      [
        q(u.displayName),
        q(u.userName),
        q(""),
        q(u.role),
        q(u.email),
        q(teams.join(", ")),
        q(u.active ? "" : "Deactivated"),
        i % 4,
        i % 9,
        0,
        q(i % 2 ? "Full" : "Viewer"),
      ].join(","),
    );
  });
  return `${lines.join("\n")}\n`;
}

/** Logins of some users (by email, half with the platform user id too) and one events-only user. */
function events(users: ScimFixtureUser[]): string {
  const lines: string[] = [];
  users.forEach((u, i) => {
    if (i % 3 !== 0) return;
    for (const day of [2, 15, 28]) {
      const month = i % 2 === 0 ? "2026-03" : "2025-06";
      const event: Record<string, string | number> = {
        action: "user:login",
        timestamp: `${month}-${String(day).padStart(2, "0")}T10:00:00Z`,
        actor_email: u.email.toLowerCase(),
        response_code: 200,
      };
      if (i % 6 === 0) event.actor_user_id = u.id;
      lines.push(JSON.stringify(event));
    }
  });
  lines.push(JSON.stringify({ action: "run:update", timestamp: "2026-03-30T08:00:00Z", actor_email: "outsider@acme.test" }));
  return `${lines.join("\n")}\n`;
}

describe(`directory sync over SCIM on ${testStoreKind()}`, () => {
  let scim: ScimServer;
  let databaseUrl = "";
  let auth = "";
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { databaseUrl, env: { ORGTRAIL_TODAY: "2026-03-31", ...env } });
  const sync = (org: string, creds: { username: string; apiKey: string } = ADMIN, extra: string[] = []) =>
    cli([
      "sync-directory",
      "--url",
      scim.baseUrl,
      ...(creds.username ? ["--username", creds.username] : []),
      "--api-key",
      creds.apiKey,
      "--org",
      org,
      "--attempts",
      "1",
      ...extra,
    ]);

  const users = async (org: string): Promise<ListedUser[]> => {
    const res = await getUsersRoute(new Request(`http://localhost/api/v1/users?org=${org}&asOf=2026-03-31`, { headers: { authorization: auth } }));
    expect(res.status).toBe(200);
    return ((await res.json()) as { users: ListedUser[] }).users;
  };

  beforeAll(async () => {
    const fixtures = fixtureUsers();
    scim = await startScimServer({ users: fixtures, groups: fixtureGroups(fixtures), admins: [ADMIN, SERVICE], nonAdmins: [MEMBER], maxPageSize: 40 });
    databaseUrl = await createTestDatabaseUrl();
    process.env.ORGTRAIL_DATABASE_URL = databaseUrl;
    process.env.ORGTRAIL_TODAY = "2026-03-31";
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    resetEnvCache();
    const store = await getStore();
    const key = (await createAccount(store.db, "both", ["scim", "csv", "mt", "kept", "sa"], "admin")).apiKey;
    auth = `Basic ${Buffer.from(`both:${key}`).toString("base64")}`;
  });
  afterAll(async () => {
    await (await getStore()).close();
    await scim?.close();
    process.env = saved;
    resetEnvCache();
  });

  it("reads every page of users and groups, then gives the same Users tab as the same users imported by CSV", async () => {
    const ingest = async (org: string) => {
      const result = await runCli(["ingest", "-", "--org", org, "--workers", "0"], { databaseUrl, input: events(scim.users) });
      expect(result.code).toBe(0);
    };
    scim.requests.length = 0;
    const result = await sync("scim");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`users ${USERS}, groups ${TEAMS}, created ${USERS}, updated 0, inactive 13, rejected 0\n`);
    // SCIM paging to the end: the server answers 40 per page whatever count asks.
    expect(scim.requests).toEqual([
      "/scim/Users?startIndex=1&count=100",
      "/scim/Users?startIndex=41&count=100",
      "/scim/Users?startIndex=81&count=100",
      "/scim/Users?startIndex=121&count=100",
      "/scim/Groups?startIndex=1&count=100",
      "/scim/Groups?startIndex=41&count=100",
    ]);
    const imported = await runCli(["import-users", "-", "--org", "csv"], { databaseUrl, input: equivalentCsv(scim.users, scim.groups) });
    expect(imported.stdout).toBe(`created ${USERS}, updated 0, rejected 0\n`);
    await ingest("scim");
    await ingest("csv");

    const viaScim = await users("scim");
    const viaCsv = await users("csv");
    expect(viaScim.map((u) => u.email)).toEqual(viaCsv.map((u) => u.email));
    expect(viaScim).toHaveLength(USERS + 1);

    // Field by field: what differs, for whom, and nothing else.
    const differences = new Map<string, string[]>();
    viaScim.forEach((s, i) => {
      const c = viaCsv[i]!;
      for (const field of Object.keys(s) as (keyof ListedUser)[]) {
        // `id` is the user's row in each organization's directory: never the same across two.
        if (field === "id") continue;
        if (JSON.stringify(s[field]) === JSON.stringify(c[field])) continue;
        differences.set(field, [...(differences.get(field) ?? []), s.username ?? s.email ?? "?"]);
      }
    });
    const directory = scim.users;
    const names = (pick: (u: ScimFixtureUser, i: number) => boolean) => directory.filter(pick).map((u) => u.userName);
    // meta.created is the date added; a CSV has none, so the first event (or nothing) stands in.
    expect(differences.get("addedAt")).toEqual(names(() => true));
    // active:false is Deactivated; a CSV's Status column is computed, not read.
    expect(differences.get("status")).toEqual(names((u) => !u.active));
    // Reports, runs and the models seat exist only in the CSV export's columns.
    expect(differences.get("reports")).toEqual(names((_, i) => i % 4 !== 0));
    expect(differences.get("runs")).toEqual(names((_, i) => i % 9 !== 0));
    expect(differences.get("modelsSeat")).toEqual(names(() => true));
    expect([...differences.keys()].sort()).toEqual(["addedAt", "modelsSeat", "reports", "runs", "status"]);

    // And what the SCIM side shows, from each form of the platform's answer.
    const byName = new Map(viaScim.map((u) => [u.username, u]));
    expect(byName.get("user1")).toMatchObject({
      name: "User 1",
      email: "user1@acme.test",
      role: "member",
      teams: ["team-1", "team-7"],
      addedAt: "2024-02-02T09:01:00.000Z",
      status: "invite_pending",
    });
    expect(byName.get("user0")).toMatchObject({
      name: "Zoë Ünal 0",
      email: "User0@Acme.test",
      role: "admin",
      teams: ["team-0"],
      status: "active",
      activeDays: 3,
      lastActive: "2026-03-28T10:00:00.000Z",
    });
    expect(byName.get("user3")).toMatchObject({ status: "deactivated", lastActive: "2025-06-28T10:00:00.000Z", activeDays: 3 });
  });

  it("updates on a second sync instead of duplicating", async () => {
    const before = scim.users[4]!;
    scim.users[4] = { ...before, displayName: "Renamed Four", role: "admin" };
    try {
      const result = await sync("scim");
      expect(result.stdout).toBe(`users ${USERS}, groups ${TEAMS}, created 0, updated ${USERS}, inactive 13, rejected 0\n`);
      const list = await users("scim");
      expect(list).toHaveLength(USERS + 1);
      expect(list.find((u) => u.username === "user4")).toMatchObject({ name: "Renamed Four", role: "admin" });
    } finally {
      scim.users[4] = before;
    }
  });

  it("a 401 or a 403 is an error naming the URL, and nothing is applied", async () => {
    const unauthorized = await sync("kept", { username: ADMIN.username, apiKey: "wrong" });
    expect(unauthorized.code).toBe(2);
    expect(unauthorized.stdout).toBe("");
    expect(unauthorized.stderr).toContain(`${scim.baseUrl}/scim/Users?startIndex=1&count=100: upstream answered 401 Unauthorized`);
    const forbidden = await sync("kept", MEMBER);
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain(`${scim.baseUrl}/scim/Users?startIndex=1&count=100: upstream answered 403 Forbidden`);
    expect(forbidden.stderr).toContain("the directory is unchanged");
    expect(await users("kept")).toEqual([]);
  });

  it("a failure on a later page of users, or on the groups, leaves the directory as it was", async () => {
    expect((await sync("kept")).code).toBe(0);
    const before = await users("kept");
    expect(before).toHaveLength(USERS);
    const renamed = scim.users[100]!;
    scim.users[100] = { ...renamed, displayName: "Should Not Appear" };
    try {
      for (const failAt of [
        { kind: "Users" as const, startIndex: 81, status: 401 },
        { kind: "Users" as const, startIndex: 121, status: 500 },
        { kind: "Groups" as const, startIndex: 41, status: 503 },
      ]) {
        scim.failAt = failAt;
        const result = await sync("kept");
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`${scim.baseUrl}/scim/${failAt.kind}?startIndex=${failAt.startIndex}&count=100: upstream answered ${failAt.status}`);
        expect(await users("kept")).toEqual(before);
      }
    } finally {
      scim.failAt = null;
      scim.users[100] = renamed;
    }
  });

  it("reaches the platform on loopback with no allow-list, but never a metadata address", async () => {
    expect(process.env.ORGTRAIL_ALLOWED_HOSTS ?? "").toBe("");
    const metadata = await cli(["sync-directory", "--url", "http://169.254.169.254/latest", "--api-key", "k", "--org", "kept"]);
    expect(metadata.code).toBe(2);
    expect(metadata.stderr).toContain("http://169.254.169.254/latest/scim/Users: ");
    expect(metadata.stderr).toMatch(/169\.254\.169\.254/);
    expect(metadata.stderr).toContain("the directory is unchanged");
  });

  it("a URL with no SCIM API under it says so", async () => {
    const result = await cli([
      "sync-directory",
      "--url",
      `${scim.baseUrl}/elsewhere`,
      "--username",
      ADMIN.username,
      "--api-key",
      ADMIN.apiKey,
      "--org",
      "kept",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${scim.baseUrl}/elsewhere/scim/Users?startIndex=1&count=100: answered 404 Not Found: no SCIM API at this URL`);
  });

  it("a service account sends :API-KEY", async () => {
    scim.authorizations.length = 0;
    const result = await sync("sa", SERVICE);
    expect(result.code).toBe(0);
    expect(new Set(scim.authorizations)).toEqual(new Set([`Basic ${Buffer.from(":sa-key").toString("base64")}`]));
  });

  it("in multi-tenant mode an inactive member is removed, not listed as Deactivated", async () => {
    expect((await sync("mt")).code).toBe(0);
    process.env.ORGTRAIL_DEPLOYMENT = "multi-tenant";
    resetEnvCache();
    try {
      const list = await users("mt");
      expect(list.map((u) => u.username)).toEqual(scim.users.filter((u) => u.active).map((u) => u.userName));
    } finally {
      process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
      resetEnvCache();
    }
    expect((await users("mt")).filter((u) => u.status === "deactivated")).toHaveLength(13);
  });
});
