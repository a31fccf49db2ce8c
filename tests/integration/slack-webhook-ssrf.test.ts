// SSRF on the stored Slack webhook (docs/SECURITY.md): a webhook that redirects is not followed,
// even when its own host is allowed, and a private webhook host the admin did not allow is
// refused before any request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSecretKeyCache } from "@/lib/alerts/secret-box";
import { deliverDue } from "@/lib/alerts/deliver";
import { enqueueAlerts } from "@/lib/alerts/outbox";
import { saveSlackWebhook } from "@/lib/alerts/settings";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { startFakeUpstream, type LoopbackServer } from "../support/http-fakes";
import { createTestDatabaseUrl } from "../support/store";

const saved = { ...process.env };
let store: Store;
let target: LoopbackServer;
let redirecting: LoopbackServer;

beforeAll(async () => {
  process.env.ORGTRAIL_SECRET_KEY = Buffer.alloc(32, 5).toString("base64");
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
      process.env.ORGTRAIL_ALLOWED_HOSTS = saved.ORGTRAIL_ALLOWED_HOSTS;
      resetEnvCache();
    }
  });
});
