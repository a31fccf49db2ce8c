// Where the dashboard opens (lib/web/page-session.ts): while `default` holds no events, an
// admin of the demo organization lands on the demo (banner shown, switcher on `demo`); once
// `default` has events it lands there; `?org=SLUG` always wins; the API's default stays the
// account's default organization throughout. Against the built server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

describe(`the dashboard's landing organization on ${testStoreKind()}`, () => {
  let server: RunningServer;
  let databaseUrl = "";
  let cookie = "";

  const page = async (path: string) => {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    expect(response.status).toBe(200);
    return response.text();
  };
  /** The option the header's organization switcher has selected. */
  const selectedOrg = (html: string) => /<option[^>]*value="([^"]+)"[^>]*selected/.exec(html)?.[1] ?? null;
  const hasBanner = (html: string) => html.includes('aria-label="Demo data"');

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    expect((await runCli(["demo", "--users", "12", "--events", "400"], { databaseUrl })).code).toBe(0);
    const created = await runCli(["admin", "create", "boss", "--org", "default", "--org", "demo"], { databaseUrl });
    expect(created.code).toBe(0);
    expect((await runCli(["admin", "default-org", "boss", "default"], { databaseUrl })).code).toBe(0);
    server = await startServer({ databaseUrl });
    const session = await fetch(`${server.baseUrl}/api/v1/session`, {
      method: "POST",
      body: JSON.stringify({ username: "boss", apiKey: created.stdout.trim() }),
      headers: { "content-type": "application/json" },
    });
    expect(session.status).toBe(200);
    cookie = (session.headers.get("set-cookie") ?? "").split(";")[0]!;
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("opens on the demo while `default` holds no events; the API's default stays `default`", async () => {
    const html = await page("/org/dashboard");
    expect(selectedOrg(html)).toBe("demo");
    expect(hasBanner(html)).toBe(true);
    expect(html).toContain("npx orgtrail pull --url");
    const api = await fetch(`${server.baseUrl}/api/v1/users`, { headers: { cookie } });
    expect(((await api.json()) as { users: unknown[] }).users).toEqual([]);
    const onDefault = await page("/org/dashboard?org=default");
    expect(selectedOrg(onDefault)).toBe("default");
    expect(hasBanner(onDefault)).toBe(false);
  });

  it("opens on `default` once it holds events; ?org=demo still shows the demo and its banner", async () => {
    const line = `${JSON.stringify({ action: "user:login", timestamp: "2026-03-02T10:00:00Z", actor_email: "real@acme.test" })}\n`;
    expect((await runCli(["ingest", "-", "--workers", "0"], { databaseUrl, input: line })).code).toBe(0);
    const html = await page("/org/dashboard");
    expect(selectedOrg(html)).toBe("default");
    expect(hasBanner(html)).toBe(false);
    const demo = await page("/org/dashboard?org=demo");
    expect(selectedOrg(demo)).toBe("demo");
    expect(hasBanner(demo)).toBe(true);
    expect(await page("/org/dashboard?org=elsewhere")).toContain("Access denied");
  });
});
