// SSRF on the Slack webhook (docs/SECURITY.md): a URL from Slack's answer is untrusted. A webhook
// that redirects is not followed, even when its own host is allowed; a private webhook host the
// operator did not allow is refused before any request, at delivery and already at the OAuth
// exchange; the Slack API URL itself is the operator's and reaches loopback with no allow list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSecretKeyCache } from "@/lib/alerts/secret-box";
import { deliverDue } from "@/lib/alerts/deliver";
import { enqueueAlerts } from "@/lib/alerts/outbox";
import { saveSlackWebhook } from "@/lib/alerts/settings";
import { exchangeCode, SlackOAuthError } from "@/lib/alerts/slack-oauth";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { FAKE_SLACK_ALLOWED_HOSTS, startFakeSlack } from "../support/fake-slack";
import { startFakeUpstream, type LoopbackServer } from "../support/http-fakes";
import { createTestDatabaseUrl } from "../support/store";

const saved = { ...process.env };
let store: Store;
let target: LoopbackServer;
let redirecting: LoopbackServer;

beforeAll(async () => {
  process.env.ORGTRAIL_SECRET_KEY = Buffer.alloc(32, 5).toString("base64");
  process.env.ORGTRAIL_ALLOWED_HOSTS = FAKE_SLACK_ALLOWED_HOSTS;
  resetEnvCache();
  resetSecretKeyCache();
  store = await openStore(await createTestDatabaseUrl());
  // Stands in for a metadata or internal address behind the redirect: must never be reached.
  target = await startFakeUpstream((_url, _i, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
  });
  redirecting = await startFakeUpstream((_url, _i, res) => {
    res.writeHead(302, { Location: `${target.baseUrl}/latest/meta-data/` });
    res.end();
  });
});
afterAll(async () => {
  await store?.close();
  await redirecting?.close();
  await target?.close();
  process.env = { ...saved };
  resetEnvCache();
  resetSecretKeyCache();
});

const message = { text: "test", blocks: [] };

async function deliverTo(webhook: string, slug: string) {
  const orgId = await ensureOrg(store.db, slug);
  await saveSlackWebhook(store.db, orgId, { url: webhook, channel: "#audit", team: "T" });
  await enqueueAlerts(store.db, orgId, [{ rule: "test", dedupeKey: `t-${slug}`, subjectAt: Date.now(), message }]);
  await deliverDue(store);
  return store.db.selectFrom("alert_outbox").select(["status", "last_error", "delivered_at"]).where("org_id", "=", orgId).executeTakeFirstOrThrow();
}

describe("Slack webhook and the SSRF guard", () => {
  it("does not follow a redirect from an allowed webhook host", async () => {
    const row = await deliverTo(`${redirecting.baseUrl}/services/T/B/X`, "redirects");
    expect(redirecting.requests.length).toBeGreaterThan(0);
    expect(target.requests).toHaveLength(0);
    expect(row.delivered_at).toBeNull();
    expect(row.status).not.toBe("delivered");
    expect(row.last_error).toMatch(/redirect/i);
  });

  it("refuses a metadata or private webhook host that the admin did not allow, before any request", async () => {
    process.env.ORGTRAIL_ALLOWED_HOSTS = "";
    resetEnvCache();
    try {
      const before = target.requests.length;
      const row = await deliverTo(`${target.baseUrl}/services/T/B/X`, "private");
      expect(row).toMatchObject({ status: "failed", delivered_at: null });
      expect(row.last_error).toMatch(/127\.0\.0\.1 resolves to 127\.0\.0\.1, a private or reserved address/);
      const metadata = await deliverTo("http://169.254.169.254/latest/meta-data/", "metadata");
      expect(metadata.last_error).toMatch(/169\.254\.169\.254.*private or reserved address/);
      expect(target.requests).toHaveLength(before);
    } finally {
      process.env.ORGTRAIL_ALLOWED_HOSTS = FAKE_SLACK_ALLOWED_HOSTS;
      resetEnvCache();
    }
  });

  it("refuses a private webhook in Slack's OAuth answer unless allowed; the Slack API URL on loopback needs no allow list", async () => {
    const slack = await startFakeSlack({ clientId: "c", clientSecret: "s", code: "k", redirectUri: () => "http://127.0.0.1/cb" });
    process.env.ORGTRAIL_SLACK_API_URL = slack.apiUrl;
    try {
      const exchange = () => exchangeCode({ clientId: "c", clientSecret: "s", code: "k", redirectUri: "http://127.0.0.1/cb" });
      process.env.ORGTRAIL_ALLOWED_HOSTS = "";
      resetEnvCache();
      const refused = await exchange().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SlackOAuthError);
      expect((refused as SlackOAuthError).code).toBe("webhook_refused");
      expect(slack.exchanges).toHaveLength(1);
      process.env.ORGTRAIL_ALLOWED_HOSTS = FAKE_SLACK_ALLOWED_HOSTS;
      resetEnvCache();
      expect(await exchange()).toMatchObject({ url: slack.webhookUrl, channel: "#alerts" });
    } finally {
      delete process.env.ORGTRAIL_SLACK_API_URL;
      process.env.ORGTRAIL_ALLOWED_HOSTS = FAKE_SLACK_ALLOWED_HOSTS;
      resetEnvCache();
      await slack.close();
    }
  });
});
