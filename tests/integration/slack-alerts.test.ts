// Slack alerts end to end against the built server and a fake Slack on loopback: the app's
// secret stays sealed and out of every answer, "Add to Slack" (state bound to the session),
// rules firing on ingest, delivery with a 429 + Retry-After, escaping, the job-failure hook.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertJobFailure } from "@/lib/alerts/job-failure";
import { createAccount } from "@/lib/auth/accounts";
import { openStore, type Store } from "@/lib/db/client";
import { FAKE_SLACK_ALLOWED_HOSTS, startFakeSlack, type FakeSlack } from "../support/fake-slack";
import { startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "cs_9f8e7d6c5b4a-very-secret";
const CODE = "good-code";
const SECRET_KEY = Buffer.alloc(32, 42).toString("base64");

let slack: FakeSlack;
let server: RunningServer;
let store: Store;
let adminKey = "";
let adminBasic = "";
let memberBasic = "";
let cookie = "";
/** Every body the server answered in this file: none may contain a secret. */
const answers: string[] = [];

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(path: string, init: RequestInit & { auth?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth) headers.set("authorization", init.auth);
  else if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
  const response = await fetch(`${server.baseUrl}${path}`, { redirect: "manual", ...init, headers });
  const text = await response.clone().text();
  answers.push(`${[...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
  return response;
}

async function signIn(username: string, apiKey: string): Promise<string> {
  const response = await call("/api/v1/session", {
    method: "POST",
    body: JSON.stringify({ username, apiKey }),
    headers: { "content-type": "application/json" },
  });
  expect(response.status).toBe(200);
  const set = response.headers.get("set-cookie") ?? "";
  return set.split(";")[0]!;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output().stderr.slice(-2000)}`);
    await sleep(100);
  }
}

function ndjson(events: Record<string, unknown>[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + "\n";
}

async function ingest(events: Record<string, unknown>[]) {
  const response = await call("/api/v1/ingest", {
    method: "POST",
    auth: adminBasic,
    body: ndjson(events),
    headers: { "content-type": "application/x-ndjson" },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { accepted: number };
}

async function outboxRows() {
  return store.db.selectFrom("alert_outbox").selectAll().orderBy("id").execute();
}

describe(`Slack alerts on ${testStoreKind()}`, () => {
  beforeAll(async () => {
    slack = await startFakeSlack({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      code: CODE,
      redirectUri: () => `${server.baseUrl}/api/v1/slack/oauth/callback`,
    });
    const url = await createTestDatabaseUrl();
    store = await openStore(url);
    const admin = await createAccount(store.db, "boss", ["default"], "admin");
    const member = await createAccount(store.db, "peon", ["default"], "member");
    adminKey = admin.apiKey;
    adminBasic = basic("boss", admin.apiKey);
    memberBasic = basic("peon", member.apiKey);
    server = await startServer({
      databaseUrl: url,
      // The webhook Slack answers is untrusted: the fake's, on loopback, is allowed by name.
      env: {
        ORGTRAIL_SLACK_API_URL: slack.apiUrl,
        ORGTRAIL_SLACK_OAUTH_URL: slack.oauthUrl,
        ORGTRAIL_SECRET_KEY: SECRET_KEY,
        ORGTRAIL_ALLOWED_HOSTS: FAKE_SLACK_ALLOWED_HOSTS,
      },
    });
    cookie = await signIn("boss", admin.apiKey);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
    await slack?.close();
  });

  it("stores the Slack app with its secret sealed, and never answers it", async () => {
    const saved = await call("/api/v1/settings/notifications/slack-app", {
      method: "PUT",
      body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
      headers: { "content-type": "application/json" },
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ ok: true, clientId: CLIENT_ID, clientSecretSet: true });

    const row = await store.db.selectFrom("alert_settings").selectAll().executeTakeFirstOrThrow();
    expect(row.slack_client_id).toBe(CLIENT_ID);
    expect(row.slack_client_secret_enc).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(row)).not.toContain(SECRET_KEY);

    const view = (await (await call("/api/v1/settings/notifications")).json()) as { slack: Record<string, unknown> };
    expect(view.slack).toMatchObject({
      clientId: CLIENT_ID,
      clientSecretSet: true,
      clientSecretReadable: true,
      connected: false,
      redirectUri: `${server.baseUrl}/api/v1/slack/oauth/callback`,
    });

    // Keeping the stored secret: an empty one is "unchanged".
    expect(
      (
        await call("/api/v1/settings/notifications/slack-app", {
          method: "PUT",
          body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: "" }),
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(200);
    expect((await store.db.selectFrom("alert_settings").select("slack_client_secret_enc").executeTakeFirstOrThrow()).slack_client_secret_enc).toBe(
      row.slack_client_secret_enc,
    );
  });

  it("refuses members, cross-origin writes and bad input", async () => {
    expect((await call("/api/v1/settings/notifications", { auth: memberBasic })).status).toBe(403);
    expect((await call("/api/v1/settings/notifications/rules", { method: "PUT", auth: memberBasic, body: "{}" })).status).toBe(403);
    const crossSite = await call("/api/v1/settings/notifications/slack-app", {
      method: "PUT",
      body: JSON.stringify({ clientId: "evil", clientSecret: "evil" }),
      headers: { "content-type": "application/json", origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const bad = await call("/api/v1/settings/notifications/rules", {
      method: "PUT",
      body: JSON.stringify({ actions: { enabled: true, actions: ["nope"] } }),
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("bad_request");
  });

  it("Add to Slack: a forged or foreign state is refused; the right one stores the webhook sealed", async () => {
    const install = await call("/api/v1/slack/install");
    expect(install.status).toBe(302);
    const authorize = new URL(install.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(slack.oauthUrl);
    expect(authorize.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(authorize.searchParams.get("scope")).toBe("incoming-webhook");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${server.baseUrl}/api/v1/slack/oauth/callback`);
    const state = authorize.searchParams.get("state")!;
    expect(state).toBeTruthy();
    expect(install.headers.get("location")).not.toContain(CLIENT_SECRET);

    // Basic auth has no browser session to bind a state to.
    expect((await call("/api/v1/slack/install", { auth: adminBasic })).status).toBe(400);

    const forged = await call(`/api/v1/slack/oauth/callback?code=${CODE}&state=${encodeURIComponent(state.slice(0, -2) + "xx")}`);
    expect(forged.status).toBe(403);
    const missing = await call(`/api/v1/slack/oauth/callback?code=${CODE}`);
    expect(missing.status).toBe(403);
    // Signed out (an expired session): back to the sign-in page, never a Basic auth prompt.
    const signedOut = await call(`/api/v1/slack/oauth/callback?code=${CODE}&state=${encodeURIComponent(state)}`, { headers: { cookie: "" } });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/signin?next=%2Forg%2Fsettings");
    expect(signedOut.headers.get("www-authenticate")).toBeNull();
    // Another session of the same admin (an attacker's link opened elsewhere) does not match either.
    const other = await signIn("boss", adminKey);
    expect(other).not.toBe(cookie);
    expect((await call(`/api/v1/slack/oauth/callback?code=${CODE}&state=${encodeURIComponent(state)}`, { headers: { cookie: other } })).status).toBe(403);
    expect(slack.exchanges).toHaveLength(0);

    const done = await call(`/api/v1/slack/oauth/callback?code=${CODE}&state=${encodeURIComponent(state)}`);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/org/settings?slack=connected");
    expect(slack.exchanges).toEqual([
      { ok: true, params: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: CODE, redirect_uri: `${server.baseUrl}/api/v1/slack/oauth/callback` } },
    ]);
    const row = await store.db.selectFrom("alert_settings").selectAll().executeTakeFirstOrThrow();
    expect(row.slack_webhook_enc).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain("s3cr3thook");
    expect(row.slack_channel).toBe("#alerts");

    const view = (await (await call("/api/v1/settings/notifications")).json()) as { slack: Record<string, unknown> };
    expect(view.slack).toMatchObject({ connected: true, channel: "#alerts", team: "Acme" });

    // A code Slack refuses comes back as an error outcome, not a crash.
    const again = new URL((await call("/api/v1/slack/install")).headers.get("location")!).searchParams.get("state")!;
    const refused = await call(`/api/v1/slack/oauth/callback?code=bad&state=${encodeURIComponent(again)}`);
    expect(refused.headers.get("location")).toBe("/org/settings?slack=error%3Ainvalid_code");
  });

  it("a watched action ingested delivers one Block Kit message, with <!channel> escaped", async () => {
    const rules = {
      actions: { enabled: true, actions: ["user:create_api_key", "team:delete"] },
      authFailures: { enabled: true, threshold: 3, windowMinutes: 5 },
      jobFailures: { enabled: true, afterFailures: 2 },
      inactiveDigest: { enabled: false },
    };
    const saved = await call("/api/v1/settings/notifications/rules", {
      method: "PUT",
      body: JSON.stringify(rules),
      headers: { "content-type": "application/json" },
    });
    expect(saved.status).toBe(200);

    const now = Date.now();
    await ingest([
      { action: "user:login", actor_email: "quiet@acme.test", timestamp: new Date(now - 60_000).toISOString() },
      {
        action: "user:create_api_key",
        actor_email: "<!channel>@evil.test",
        entity_name: "<@U123> *bold* `x`",
        actor_ip: "10.1.2.3",
        timestamp: new Date(now - 30_000).toISOString(),
      },
      // Too old to alert: a backfill.
      { action: "team:delete", actor_email: "old@acme.test", timestamp: new Date(now - 3 * 86_400_000).toISOString() },
    ]);
    const message = await waitFor("the action alert", () => slack.messages[0]);
    expect(message.status).toBe(200);
    expect(message.raw).not.toContain("<!channel>");
    expect(message.raw).not.toContain("<@U123>");
    expect(message.raw).toContain("&lt;!channel&gt;@evil.test");
    expect(message.body.text).toContain("`user:create_api_key`");
    expect(message.body.blocks.map((b) => b.type)).toEqual(["section", "section", "context"]);
    await waitFor("the delivered mark", async () => ((await outboxRows()).every((r) => r.status === "delivered") ? true : undefined));
    await sleep(500);
    expect(slack.messages).toHaveLength(1);
    expect(slack.problems).toEqual([]);
  });

  it("a 429 with Retry-After is waited out and the message delivered once", async () => {
    slack.messages.length = 0;
    slack.script({ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" });
    await ingest([{ action: "team:delete", actor_email: "admin@acme.test", entity_name: "ml-team", timestamp: new Date().toISOString() }]);
    const [first, second] = await waitFor("the retried delivery", () => (slack.messages.length >= 2 ? slack.messages : undefined));
    expect(first!.status).toBe(429);
    expect(second!.status).toBe(200);
    expect(second!.raw).toBe(first!.raw);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    const row = await waitFor("the delivered mark", async () =>
      (await outboxRows()).find((r) => r.dedupe_key.startsWith("action:") && r.status === "delivered" && r.attempts === 2),
    );
    expect(row.delivered_at).not.toBeNull();
    await sleep(1500);
    expect(slack.messages).toHaveLength(2);
  });

  it("a burst of 401/403 raises one alert per burst", async () => {
    slack.messages.length = 0;
    const now = Date.now();
    const failure = (i: number, code: number) => ({
      action: "user:login",
      actor_email: `intruder${i % 2}@x.test`,
      actor_ip: "203.0.113.9",
      response_code: code,
      timestamp: new Date(now - 50_000 + i * 1000).toISOString(),
    });
    await ingest([failure(1, 401), failure(2, 401)]);
    await sleep(300);
    expect((await outboxRows()).filter((r) => r.rule === "auth_failures")).toHaveLength(0);
    await ingest([failure(3, 403), failure(4, 401)]);
    const message = await waitFor("the burst alert", () => slack.messages[0]);
    expect(message.body.text).toContain("3 refused requests (401/403) within 5 min");
    expect(message.raw).toContain("203.0.113.9");
    await ingest([failure(5, 401)]);
    await sleep(1000);
    expect((await outboxRows()).filter((r) => r.rule === "auth_failures")).toHaveLength(1);
  });

  it("the job-failure hook alerts once per failure streak, with credentials redacted", async () => {
    slack.messages.length = 0;
    expect(await alertJobFailure(store, "bucket-export", new Error("PUT https://key:secret@s3.example/b failed"), 1)).toBe(0);
    expect(await alertJobFailure(store, "bucket-export", new Error("PUT https://key:secret@s3.example/b failed"), 2)).toBe(1);
    expect(await alertJobFailure(store, "bucket-export", new Error("again"), 3)).toBe(0);
    // Queued by another process: the server's delivery job finds it on its next tick.
    const message = await waitFor("the job failure alert", () => slack.messages[0], 30_000);
    expect(message.raw).toContain("bucket-export");
    expect(message.raw).toContain("failed 2 times in a row");
    expect(message.raw).not.toContain("key:secret");
  });

  it("shows job and outbox state, and never a secret in any answer", async () => {
    const view = (await (await call("/api/v1/settings/notifications")).json()) as {
      jobs: { name: string; lastSuccessAt: string | null }[];
      outbox: { delivered: number };
    };
    expect(view.jobs.map((j) => j.name)).toContain("slack-alerts");
    expect(view.jobs.find((j) => j.name === "slack-alerts")!.lastSuccessAt).not.toBeNull();
    expect(view.outbox.delivered).toBeGreaterThanOrEqual(4);
    const disconnected = await call("/api/v1/settings/notifications/slack-webhook", { method: "DELETE" });
    expect(disconnected.status).toBe(200);
    expect(((await (await call("/api/v1/settings/notifications")).json()) as { slack: { connected: boolean } }).slack.connected).toBe(false);
    for (const answer of answers) {
      expect(answer).not.toContain(CLIENT_SECRET);
      expect(answer).not.toContain("s3cr3thook");
      expect(answer).not.toContain(SECRET_KEY);
    }
    expect(server.output().stdout + server.output().stderr).not.toContain(CLIENT_SECRET);
    expect(slack.problems).toEqual([]);
  });
});
