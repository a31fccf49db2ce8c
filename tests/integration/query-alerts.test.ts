// Slack rules in the filter language end to end: the built server, a real store, a fake Slack
// on loopback. A rule per matching event, a count over N in M minutes, a rule naming a user
// through the directory, events ingested over HTTP and by the CLI.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSlackWebhook } from "@/lib/alerts/settings";
import { createAccount } from "@/lib/auth/accounts";
import { openStore, type Store } from "@/lib/db/client";
import { FAKE_SLACK_ALLOWED_HOSTS, startFakeSlack, type FakeSlack } from "../support/fake-slack";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
// The webhook is sealed here, in the test process, with the server's key.
process.env.ORGTRAIL_SECRET_KEY = SECRET_KEY;

let slack: FakeSlack;
let server: RunningServer;
let store: Store;
let databaseUrl = "";
let auth = "";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ndjson = (events: Record<string, unknown>[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output().stderr.slice(-2000)}`);
    await sleep(100);
  }
}

async function ingest(events: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-ndjson" },
    body: ndjson(events),
  });
  expect(res.status).toBe(200);
}

async function put(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, { method: "PUT", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
}

const texts = () => slack.messages.map((m) => m.body.text);

const RULES = [
  {
    id: "keys",
    name: "API keys not by CI",
    query: "action:user:create_api_key -actor:ci-bot@acme.test",
    mode: "each",
    threshold: 10,
    windowMinutes: 10,
    enabled: true,
  },
  { id: "fails", name: "Failures from the lab", query: "status:>=400 ip:10.9.0.0/16", mode: "count", threshold: 3, windowMinutes: 5, enabled: true },
  { id: "carol", name: "Carol deletes runs", query: "actor:carol action:run:delete*", mode: "each", threshold: 10, windowMinutes: 10, enabled: true },
  { id: "paused", name: "Paused rule", query: "action:user:login", mode: "each", threshold: 10, windowMinutes: 10, enabled: false },
];

describe(`query rules on ${testStoreKind()}`, () => {
  beforeAll(async () => {
    slack = await startFakeSlack({ clientId: "1.2", clientSecret: "x", code: "c", redirectUri: () => `${server.baseUrl}/api/v1/slack/oauth/callback` });
    databaseUrl = await createTestDatabaseUrl();
    store = await openStore(databaseUrl);
    const admin = await createAccount(store.db, "boss", ["default"], "admin");
    auth = `Basic ${Buffer.from(`boss:${admin.apiKey}`).toString("base64")}`;
    const org = await store.db.selectFrom("organizations").select("id").where("slug", "=", "default").executeTakeFirstOrThrow();
    await saveSlackWebhook(store.db, org.id, { url: slack.webhookUrl, channel: "#alerts", team: "Acme" });
    // Carol is known by her platform id and email; the directory names her "carol".
    const dir = mkdtempSync(join(testTmpRoot(), "query-alerts-"));
    const csv = join(dir, "users.csv");
    writeFileSync(
      csv,
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"\n"Carol","carol","","member","carol@acme.test","","",0,0,0,""\n',
    );
    expect((await runCli(["import-users", csv], { databaseUrl, env: { ORGTRAIL_SECRET_KEY: SECRET_KEY } })).code).toBe(0);
    server = await startServer({
      databaseUrl,
      env: {
        ORGTRAIL_SLACK_API_URL: slack.apiUrl,
        ORGTRAIL_SLACK_OAUTH_URL: slack.oauthUrl,
        ORGTRAIL_SECRET_KEY: SECRET_KEY,
        ORGTRAIL_ALLOWED_HOSTS: FAKE_SLACK_ALLOWED_HOSTS,
      },
    });
    await ingest([{ action: "user:login", actor_user_id: "VXNlcjpjYXJvbA==", actor_email: "carol@acme.test", timestamp: ago(3_600_000) }]);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
    await slack?.close();
  });

  it("refuses a rule whose query does not parse, naming the rule, the term and its position", async () => {
    const res = await put("/api/v1/settings/notifications/query-rules", { queries: [{ ...RULES[0], query: "action:user:create_api_key colour:red" }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('rule "API keys not by CI"');
    expect(body.error.message).toContain('unknown qualifier "colour"');
    expect(body.error.message).toContain("position 28");
  });

  it("saves the query rules apart from the other rules, which keep them when saved", async () => {
    const saved = await put("/api/v1/settings/notifications/query-rules", { queries: RULES });
    expect(saved.status).toBe(200);
    const older = {
      actions: { enabled: false, actions: ["team:delete"] },
      authFailures: { enabled: false, threshold: 20, windowMinutes: 5 },
      jobFailures: { enabled: false, afterFailures: 1 },
      inactiveDigest: { enabled: false },
    };
    expect((await put("/api/v1/settings/notifications/rules", older)).status).toBe(200);
    const view = (await (await fetch(`${server.baseUrl}/api/v1/settings/notifications`, { headers: { authorization: auth } })).json()) as {
      rules: { queries: unknown[]; actions: unknown };
    };
    expect(view.rules.queries).toEqual(RULES);
    expect(view.rules.actions).toEqual(older.actions);
  });

  it("posts each matching event, and nothing for the others", async () => {
    await ingest([
      { action: "user:create_api_key", actor_email: "ann@acme.test", entity_name: "ml", timestamp: ago(20_000) },
      // Excluded by the rule's -actor:.
      { action: "user:create_api_key", actor_email: "ci-bot@acme.test", timestamp: ago(19_000) },
      // A paused rule's match, and no rule's.
      { action: "user:login", actor_email: "ann@acme.test", timestamp: ago(18_000) },
      // Too old to alert (a backfill).
      { action: "user:create_api_key", actor_email: "old@acme.test", timestamp: ago(3 * 86_400_000) },
    ]);
    const message = await waitFor("the rule's message", () => slack.messages[0]);
    expect(message.body.text).toContain("API keys not by CI");
    expect(message.raw).toContain("ann@acme.test");
    expect(message.raw).toContain("action:user:create_api_key -actor:ci-bot@acme.test");
    await sleep(1500);
    expect(texts()).toHaveLength(1);
  });

  it("names a user through the directory: her events carrying only her platform id match actor:carol", async () => {
    slack.messages.length = 0;
    await ingest([
      { action: "run:delete", actor_user_id: "VXNlcjpjYXJvbA==", entity_name: "ml", timestamp: ago(10_000) },
      { action: "run:delete", actor_email: "dave@acme.test", timestamp: ago(9_000) },
    ]);
    const message = await waitFor("carol's rule", () => slack.messages[0]);
    expect(message.body.text).toContain("Carol deletes runs");
    expect(message.raw).toContain("VXNlcjpjYXJvbA==");
    await sleep(1500);
    expect(texts()).toHaveLength(1);
  });

  it("counts: one message when the matches within the window reach the threshold, one per burst", async () => {
    slack.messages.length = 0;
    const failure = (i: number, ip = "10.9.4.2") => ({
      action: "user:login",
      actor_email: `x${i}@acme.test`,
      actor_ip: ip,
      response_code: 401,
      timestamp: ago(60_000 - i * 1000),
    });
    await ingest([failure(1), failure(2), failure(3, "10.8.0.1")]);
    await sleep(1500);
    expect(texts()).toEqual([]);
    await ingest([failure(4)]);
    const message = await waitFor("the count message", () => slack.messages[0]);
    expect(message.body.text).toContain("Failures from the lab");
    expect(message.body.text).toContain("3 matching events within 5 min");
    await ingest([failure(5)]);
    await sleep(1500);
    expect(texts()).toHaveLength(1);
  });

  it("the CLI's ingest queues the alert too; the server delivers it", async () => {
    slack.messages.length = 0;
    const dir = mkdtempSync(join(testTmpRoot(), "query-alerts-cli-"));
    const file = join(dir, "cli.ndjson");
    writeFileSync(file, ndjson([{ action: "user:create_api_key", actor_email: "eve@acme.test", timestamp: ago(5_000) }]));
    const r = await runCli(["ingest", file], { databaseUrl, env: { ORGTRAIL_SECRET_KEY: SECRET_KEY } });
    expect(r.code, r.stderr).toBe(0);
    const message = await waitFor("the CLI-queued message", () => slack.messages[0], 40_000);
    expect(message.body.text).toContain("API keys not by CI");
    expect(message.raw).toContain("eve@acme.test");
    expect(slack.problems).toEqual([]);
  });
});
