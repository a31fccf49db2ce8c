// Hostile credentials get the same 401 (never a 500); a client's repeated failures get a temporary 429.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";

describe("authentication hardening", () => {
  let server: RunningServer;
  let key: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    key = (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim();
    await runCli(["admin", "create", "victim"], { databaseUrl });
    server = await startServer({ databaseUrl });
  });
  afterAll(async () => server?.stop());

  const call = (authorization?: string, query = "", address = "198.51.100.7") =>
    fetch(`${server.baseUrl}/admin/audit_logs${query}`, {
      headers: { ...(authorization === undefined ? {} : { Authorization: authorization }), "X-Forwarded-For": address },
    });
  const basic = (s: string | Buffer) => "Basic " + Buffer.from(s).toString("base64");

  it.each([
    ["no colon", basic("rootonly")],
    ["bad base64", "Basic %%%not-base64%%%"],
    ["empty key", basic("root:")],
    ["non-ASCII key", basic("root:clé-ünïcode")],
    ["invalid UTF-8", "Basic " + Buffer.from([0x72, 0x3a, 0xc3, 0x28]).toString("base64")],
    ["wrong key of another length", basic("root:short")],
    ["very long key", basic("root:" + "k".repeat(5000))],
    ["unknown user", basic("ghost:" + "k".repeat(47))],
    ["another scheme", "Bearer abc"],
  ])("%s → 401 with the same body", async (_name, header) => {
    const res = await call(header, "", "198.51.100.1");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "invalid username or API key" } });
  });

  it("never accepts an API key in the query string", async () => {
    const res = await call(undefined, `?api_key=${key}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("not accepted in the query string");
  });

  it("throttles one client's repeated failures with 429 and Retry-After, but never refuses a right key", async () => {
    // Without ORGTRAIL_TRUSTED_PROXIES the X-Forwarded-For header is ignored: every try here
    // comes from the same client (tests/integration/auth-throttle.test.ts covers proxies).
    let status = 401;
    for (let i = 0; i < 60 && status === 401; i++) status = (await call(basic(`victim:wrong-${i}`), "", `203.0.113.${i}`)).status;
    expect(status).toBe(429);
    const blocked = await call(basic("victim:wrong-again"), "", "203.0.113.200");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(basic(`root:${key}`), "", "192.0.2.99")).status).toBe(200);
  });
});
