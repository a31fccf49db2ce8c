// Finding 4 of issue 13: one organization's admins must not see another's job state, get its
// Slack alerts, or read its slug and counts from /metrics. Instance-wide jobs (bucket sync,
// upstream pull, checkpoints...) are for instance admins only (docs/SECURITY.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertJobFailure } from "@/lib/alerts/job-failure";
import { saveRules, saveSlackWebhook } from "@/lib/alerts/settings";
import { DEFAULT_RULES } from "@/lib/alerts/rules";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { recordJobFailure } from "@/lib/jobs/state";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
const TODAY = "2026-03-31";
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const saved = { ...process.env };

function events(domain: string): string {
  return [1, 2, 3].map((i) => JSON.stringify({ action: "user:login", timestamp: `${TODAY}T0${i}:00:00Z`, actor_email: `u${i}@${domain}` })).join("\n") + "\n";
}

interface JobsAnswer {
  jobs: { name: string; lastError: string | null }[];
}

async function setUp(deployment: string) {
  const databaseUrl = await createTestDatabaseUrl();
  const env = { ORGTRAIL_DEPLOYMENT: deployment, ORGTRAIL_TODAY: TODAY, ORGTRAIL_SECRET_KEY: SECRET_KEY };
  const key = async (args: string[]) => (await runCli(["admin", "create", ...args], { databaseUrl, env })).stdout.trim();
  const keys = {
    alice: await key(["alice", "--org", "acme"]),
    bob: await key(["bob", "--org", "globex"]),
    root: await key(["root", "--org", "default"]),
  };
  for (const [org, domain] of [
    ["acme", "acme.test"],
    ["globex", "globex.test"],
  ]) {
    const r = await runCli(["ingest", "--org", org!, "-"], { databaseUrl, env, input: events(domain!) });
    expect(r.code, r.stderr).toBe(0);
  }
  const store = await openStore(databaseUrl);
  // An instance-wide job failed, with an error naming something only the operator should see.
  await recordJobFailure(store, "bucket-export", new Error("PUT s3://operator-private/acme/1-3.ndjson: AccessDenied"));
  await recordJobFailure(store, "checkpoints", new Error("checkpoints failed: acme: operator-private chain mismatch"));
  return { databaseUrl, env, keys, store };
}

describe(`multi-tenant isolation (${testStoreKind()})`, () => {
  let server: RunningServer;
  let store: Store;
  let keys: Record<string, string>;
  let databaseUrl = "";
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const s = await setUp("multi-tenant");
    ({ store, keys, databaseUrl, env } = s);
    server = await startServer({ databaseUrl, env });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  const jobs = async (user: string) => {
    const res = await fetch(`${server.baseUrl}/api/v1/settings/notifications`, { headers: { authorization: basic(user, keys[user]!) } });
    expect(res.status).toBe(200);
    return ((await res.json()) as JobsAnswer).jobs;
  };

  it("shows an organization admin no instance-wide job and no error of it", async () => {
    const seen = await jobs("bob");
    expect(seen.map((j) => j.name)).not.toContain("bucket-export");
    expect(JSON.stringify(seen)).not.toContain("operator-private");
    expect((await jobs("alice")).map((j) => j.name)).not.toContain("bucket-export");
  });

  it("keeps instance-wide jobs and their errors off another organization's Data page", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: basic("bob", keys.bob!) } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const sources = await get("/api/v1/data/sources");
    expect(sources).not.toContain("bucket-export");
    expect(sources).not.toContain("operator-private");
    const integrity = await get("/api/v1/data/integrity");
    expect(integrity).not.toContain("operator-private");
    expect(integrity).not.toContain("acme");
  });

  it("shows instance-wide jobs to an instance admin", async () => {
    // An operator flagged as instance admin (multi-tenant: no organization role makes one).
    const r = await runCli(["admin", "create", "ops", "--org", "acme", "--instance-admin"], { databaseUrl, env });
    expect(r.code, r.stderr).toBe(0);
    keys.ops = r.stdout.trim();
    expect((await jobs("ops")).map((j) => j.name)).toContain("bucket-export");
  });

  it("keeps organization slugs and counts out of /metrics without the token", async () => {
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^orgtrail_process_cpu_user_seconds_total /m);
    expect(text).not.toMatch(/org="/);
    expect(text).not.toContain("acme");
    expect(text).not.toContain("globex");
  });
});

describe(`multi-tenant /metrics with a token (${testStoreKind()})`, () => {
  let server: RunningServer;
  let store: Store;

  beforeAll(async () => {
    const s = await setUp("multi-tenant");
    store = s.store;
    server = await startServer({ databaseUrl: s.databaseUrl, env: { ...s.env, ORGTRAIL_METRICS_TOKEN: "tok-3141" } });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  it("keeps the per-organization series for the token holder", async () => {
    const text = await (await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: "Bearer tok-3141" } })).text();
    expect(text).toContain('orgtrail_active_users{org="acme",window="1d"} 3');
    expect(text).toContain('orgtrail_active_users{org="globex",window="1d"} 3');
  });
});

describe(`self-managed: instance admins are the admins of default (${testStoreKind()})`, () => {
  let server: RunningServer;
  let store: Store;
  let keys: Record<string, string>;

  beforeAll(async () => {
    const s = await setUp("self-managed");
    ({ store, keys } = s);
    server = await startServer({ databaseUrl: s.databaseUrl, env: s.env });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  it("shows instance-wide jobs to an admin of default, not to an admin of another organization only", async () => {
    const get = async (user: string) => {
      const res = await fetch(`${server.baseUrl}/api/v1/settings/notifications`, { headers: { authorization: basic(user, keys[user]!) } });
      return ((await res.json()) as JobsAnswer).jobs.map((j) => j.name);
    };
    expect(await get("root")).toContain("bucket-export");
    expect(await get("alice")).not.toContain("bucket-export");
  });
});

describe(`job-failure alerts go to instance admins only (${testStoreKind()})`, () => {
  let store: Store;
  let orgs: Record<string, number>;

  beforeAll(async () => {
    process.env.ORGTRAIL_SECRET_KEY = SECRET_KEY;
    resetEnvCache();
    store = await openStore(await createTestDatabaseUrl());
    orgs = {};
    for (const slug of ["default", "acme", "globex"]) {
      const id = await ensureOrg(store.db, slug);
      orgs[slug] = id;
      await saveSlackWebhook(store.db, id, { url: `https://hooks.slack.test/${slug}`, channel: `#${slug}`, team: slug });
      await saveRules(store.db, id, { ...DEFAULT_RULES, jobFailures: { enabled: true, afterFailures: 1 } });
    }
  });
  afterAll(async () => {
    await store?.close();
    process.env = { ...saved };
    resetEnvCache();
  });

  const queuedFor = async (rule: string) => {
    const rows = await store.db.selectFrom("alert_outbox").select("org_id").where("rule", "=", rule).execute();
    return Object.entries(orgs)
      .filter(([, id]) => rows.some((r) => Number(r.org_id) === id))
      .map(([slug]) => slug)
      .sort();
  };

  it("self-managed: an instance-wide job's failure alerts the default organization only", async () => {
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    resetEnvCache();
    await alertJobFailure(store, "bucket-export", new Error("boom"), 1, 1_000);
    expect(await queuedFor("job_failure")).toEqual(["default"]);
  });

  it("a job of one organization (Job.orgId, or named <job>:<org>) alerts that organization only", async () => {
    await store.db.deleteFrom("alert_outbox").execute();
    await alertJobFailure(store, "upstream-pull", new Error("boom"), 1, 1_500, orgs.globex);
    expect(await queuedFor("job_failure")).toEqual(["globex"]);
    await store.db.deleteFrom("alert_outbox").execute();
    await alertJobFailure(store, "directory-sync:acme", new Error("boom"), 1, 1_600);
    expect(await queuedFor("job_failure")).toEqual(["acme"]);
  });

  it("multi-tenant: an instance-wide job's failure reaches no organization's Slack", async () => {
    await store.db.deleteFrom("alert_outbox").execute();
    process.env.ORGTRAIL_DEPLOYMENT = "multi-tenant";
    resetEnvCache();
    await alertJobFailure(store, "bucket-export", new Error("boom"), 1, 2_000);
    expect(await queuedFor("job_failure")).toEqual([]);
  });
});
