// Finding 1 of issue 13: wrong keys from anyone must never lock out the right key. Failures
// are throttled per client address; X-Forwarded-For counts only when the peer is a proxy
// listed in ORGTRAIL_TRUSTED_PROXIES (else a client could pick a fresh "address" per try).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const LINE = `${JSON.stringify({ action: "user:login", timestamp: "2026-03-31T08:00:00Z", actor_email: "a@x.test" })}\n`;

function calls(server: RunningServer) {
  const get = (auth: string, xff?: string) =>
    fetch(`${server.baseUrl}/admin/audit_logs?startDate=2026-03-31`, { headers: { authorization: auth, ...(xff ? { "x-forwarded-for": xff } : {}) } });
  const ingest = (auth: string, xff?: string) =>
    fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", body: LINE, headers: { authorization: auth, ...(xff ? { "x-forwarded-for": xff } : {}) } });
  const signIn = (username: string, apiKey: string, xff?: string) =>
    fetch(`${server.baseUrl}/api/v1/session`, {
      method: "POST",
      body: JSON.stringify({ username, apiKey }),
      headers: { "content-type": "application/json", ...(xff ? { "x-forwarded-for": xff } : {}) },
    });
  return { get, ingest, signIn };
}

describe(`failed sign-ins never lock out the right key (${testStoreKind()})`, () => {
  let server: RunningServer;
  let key = "";

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    key = (await runCli(["admin", "create", "admin"], { databaseUrl })).stdout.trim();
    server = await startServer({ databaseUrl });
  });
  afterAll(async () => server?.stop());

  it("ten wrong Basic logins for admin leave the correct key working on the audit log API, ingest and sign-in", async () => {
    const { get, ingest, signIn } = calls(server);
    for (let i = 0; i < 10; i++) expect((await get(basic("admin", `otk_wrong-${i}`), `203.0.113.${i}`)).status).toBe(401);
    const ok = await get(basic("admin", key), "192.0.2.10");
    expect(ok.status).toBe(200);
    expect((await ingest(basic("admin", key), "192.0.2.10")).status).toBe(200);
    expect((await signIn("admin", key, "192.0.2.10")).status).toBe(200);
  });

  it("a client cannot escape its throttle by sending a new X-Forwarded-For each time (no trusted proxy)", async () => {
    const { get } = calls(server);
    const statuses: number[] = [];
    // A different username each time, too: the limit is the client's, not a username's.
    for (let i = 0; i < 60; i++) statuses.push((await get(basic(`nobody-${i}`, "otk_wrong"), `198.51.100.${i}`)).status);
    expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
    const refused = await get(basic("nobody-x", "otk_wrong"), "198.51.100.250");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // ...and still, the right key from that same client is never refused.
    expect((await get(basic("admin", key), "198.51.100.251")).status).toBe(200);
  });
});

describe(`behind a trusted proxy (${testStoreKind()})`, () => {
  let server: RunningServer;
  let key = "";

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    key = (await runCli(["admin", "create", "admin"], { databaseUrl })).stdout.trim();
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TRUSTED_PROXIES: "127.0.0.0/8, ::1" } });
  });
  afterAll(async () => server?.stop());

  it("throttles each client named by the proxy apart, taking the address the proxy appended", async () => {
    const { get } = calls(server);
    for (let i = 0; i < 50; i++) expect((await get(basic("admin", `otk_wrong-${i}`), "203.0.113.5")).status).toBe(401);
    expect((await get(basic("admin", "otk_wrong"), "203.0.113.5")).status).toBe(429);
    // A spoofed address the client put in front does not help: the proxy's entry is the last one.
    expect((await get(basic("admin", "otk_wrong"), "10.9.8.7, 203.0.113.5")).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await get(basic("admin", "otk_wrong"), "203.0.113.6")).status).toBe(401);
    // The throttled client still gets in with the right key.
    expect((await get(basic("admin", key), "203.0.113.5")).status).toBe(200);
  });
});
