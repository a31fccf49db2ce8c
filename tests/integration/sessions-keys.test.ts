// Sessions and keys (issue 13): `admin create` on an existing account keeps its key (issue 15
// §7, SPEC §7); `admin rotate-key` prints a new key alone and revokes the old key and every
// session; `admin sessions` lists them, `admin revoke` ends them; idle and absolute timeouts;
// the `__Host-` cookie on https.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/accounts";
import { accountForSession, createSession } from "@/lib/auth/sessions";
import { openStore, type Store } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;

describe(`sessions and keys from the CLI (${testStoreKind()})`, () => {
  let server: RunningServer;
  let databaseUrl = "";
  let key = "";

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const created = await runCli(["admin", "create", "alice"], { databaseUrl });
    expect(created.code, created.stderr).toBe(0);
    key = created.stdout.trim();
    server = await startServer({ databaseUrl });
  });
  afterAll(async () => server?.stop());

  const users = (auth: { key?: string; cookie?: string }, org = "") =>
    fetch(`${server.baseUrl}/api/v1/users${org ? `?org=${org}` : ""}`, {
      headers: auth.key ? { authorization: basic("alice", auth.key) } : { cookie: auth.cookie ?? "" },
    });
  const signIn = async (agent: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.baseUrl}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": agent, ...headers },
      body: JSON.stringify({ username: "alice", apiKey: key }),
    });
    expect(res.status).toBe(200);
    return res.headers.get("set-cookie")!;
  };
  const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
  const sessions = async () => {
    const r = await runCli(["admin", "sessions", "alice", "--json"], { databaseUrl });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { createdAt: string; lastSeenAt: string; expiresAt: string; address: string | null; userAgent: string | null }[];
  };

  it("admin create on an existing account adds the membership and keeps the key", async () => {
    const again = await runCli(["admin", "create", "alice", "--org", "other"], { databaseUrl });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toMatch(/kept|keeps|unchanged/i);
    expect((await users({ key })).status).toBe(200);
    expect((await users({ key }, "other")).status).toBe(200);
  });

  it("lists sessions with their address and agent, and revokes them all", async () => {
    const a = cookieOf(await signIn("browser-one/1.0"));
    const b = cookieOf(await signIn("browser-two/2.0"));
    expect((await users({ cookie: a })).status).toBe(200);
    const listed = await sessions();
    expect(listed.map((s) => s.userAgent).sort()).toEqual(["browser-one/1.0", "browser-two/2.0"]);
    expect(listed.every((s) => s.address === "127.0.0.1" && Date.parse(s.expiresAt) > Date.parse(s.createdAt))).toBe(true);

    const revoked = await runCli(["admin", "revoke", "alice"], { databaseUrl });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await users({ cookie: a })).status).toBe(401);
    expect((await users({ cookie: b })).status).toBe(401);
    expect(await sessions()).toEqual([]);
    expect((await users({ key })).status).toBe(200); // the key itself still works
  });

  it("rotate-key prints the new key alone and revokes the old key and every session", async () => {
    const cookie = cookieOf(await signIn("browser/3"));
    const rotated = await runCli(["admin", "rotate-key", "alice"], { databaseUrl });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^otk_[A-Za-z0-9_-]{43}\n$/);
    const fresh = rotated.stdout.trim();
    expect(fresh).not.toBe(key);
    expect((await users({ key })).status).toBe(401);
    expect((await users({ cookie })).status).toBe(401);
    expect((await users({ key: fresh })).status).toBe(200);
    key = fresh;
  });

  it("refuses to rotate the key of an account that does not exist", async () => {
    const r = await runCli(["admin", "rotate-key", "nobody"], { databaseUrl });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("nobody");
  });

  it("sets a __Host- cookie (Secure, Path=/, no Domain) over https, and reads it back", async () => {
    const set = await signIn("secure-browser", { "x-forwarded-proto": "https" });
    expect(set).toMatch(/^__Host-orgtrail_session=/);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; Path=\/(;|$)/);
    expect(set).not.toMatch(/Domain=/i);
    const res = await fetch(`${server.baseUrl}/api/v1/users`, { headers: { cookie: cookieOf(set), "x-forwarded-proto": "https" } });
    expect(res.status).toBe(200);
  });
});

describe(`session timeouts (${testStoreKind()})`, () => {
  let store: Store;
  const saved = { ...process.env };
  let accountId = 0;

  beforeAll(async () => {
    process.env.ORGTRAIL_SESSION_IDLE_MINUTES = "30";
    process.env.ORGTRAIL_SESSION_MAX_HOURS = "8";
    resetEnvCache();
    store = await openStore(await createTestDatabaseUrl());
    accountId = (await createAccount(store.db, "timer", ["default"], "admin")).account.id;
  });
  afterAll(async () => {
    await store?.close();
    process.env = { ...saved };
    resetEnvCache();
  });

  const MIN = 60_000;

  it("ends a session idle for longer than ORGTRAIL_SESSION_IDLE_MINUTES", async () => {
    const t0 = Date.UTC(2026, 2, 31, 8);
    const { token } = await createSession(store.db, accountId, {}, t0);
    expect(await accountForSession(store.db, token, t0 + 29 * MIN)).not.toBeNull();
    // Seen at +29 min: idle counts from there.
    expect(await accountForSession(store.db, token, t0 + 58 * MIN)).not.toBeNull();
    expect(await accountForSession(store.db, token, t0 + 58 * MIN + 31 * MIN)).toBeNull();
  });

  it("ends an active session after ORGTRAIL_SESSION_MAX_HOURS whatever its activity", async () => {
    const t0 = Date.UTC(2026, 2, 31, 8);
    const { token, expiresAt } = await createSession(store.db, accountId, {}, t0);
    expect(expiresAt).toBe(t0 + 8 * 60 * MIN);
    let t = t0;
    while (t < t0 + 8 * 60 * MIN - 20 * MIN) {
      t += 20 * MIN;
      expect(await accountForSession(store.db, token, t)).not.toBeNull();
    }
    expect(await accountForSession(store.db, token, t0 + 8 * 60 * MIN + 1)).toBeNull();
  });
});
