// The Data page's API on the built server and a real store (SQLite, or PostgreSQL with
// ORGTRAIL_TEST_STORE=postgres): every upload recorded by its caller (API, browser session, CLI,
// users imports, a body too large), the sources' last run / new data / lag / failures / rejected
// lines with job_state read generically, the freshness of the newest event, the integrity
// status, and "verify now" streaming its progress and recording its outcome.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "@/lib/auth/accounts";
import { openStore, type Store } from "@/lib/db/client";
import { recordJobFailure, recordJobSuccess, saveCheckpoint } from "@/lib/jobs/state";
import type { DataSourcesView, FreshnessView, IntegrityStatusView, UploadsView, VerifyStreamLine } from "@/lib/sources/data-views";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const kind = testStoreKind();
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const OLD_EVENTS = 12_000;
const CSV_HEADER = `"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"`;

/** `n` logins, one a minute from `start`. */
function events(n: number, start: number, tag: string): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(JSON.stringify({ action: "user:login", timestamp: new Date(start + i * 60_000).toISOString(), actor_email: `${tag}${i % 50}@data.test` }));
  return `${lines.join("\n")}\n`;
}

let databaseUrl = "";
let dir = "";
let server: RunningServer;
let store: Store;
const auth = { admin: "", auditor: "", member: "", other: "" };
let cliEnv: Record<string, string> = {};

async function call(path: string, init: RequestInit & { as?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.as !== "" && !headers.has("cookie")) headers.set("authorization", init.as ?? auth.admin);
  return fetch(`${server.baseUrl}${path}`, { redirect: "manual", ...init, headers });
}

async function json<T>(path: string, as?: string): Promise<T> {
  const response = await call(path, { as });
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

/** POST with `Transfer-Encoding: chunked` on a connection of its own. */
function postChunked(path: string, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.baseUrl}${path}`,
      { method: "POST", agent: false, headers: { authorization: auth.admin, "content-type": "application/x-ndjson" } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on("error", reject);
    for (let at = 0; at < body.length; at += 16_384) req.write(body.slice(at, at + 16_384));
    req.end();
  });
}

async function maxTs(orgSlug: string): Promise<number> {
  const row = await store.db
    .selectFrom("events")
    .innerJoin("organizations", "organizations.id", "events.org_id")
    .select((eb) => eb.fn.max("events.ts").as("ts"))
    .where("organizations.slug", "=", orgSlug)
    .executeTakeFirstOrThrow();
  return Number(row.ts);
}

describe(`Data page API on ${kind}`, () => {
  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    dir = mkdtempSync(join(testTmpRoot(), "data-page-"));
    cliEnv = { ORGTRAIL_SIGNING_KEY_FILE: join(dir, `signing-${randomBytes(4).toString("hex")}.key`) };
    store = await openStore(databaseUrl);
    auth.admin = basic("boss", (await createAccount(store.db, "boss", ["default"], "admin")).apiKey);
    auth.auditor = basic("eve", (await createAccount(store.db, "eve", ["default"], "auditor")).apiKey);
    auth.member = basic("peon", (await createAccount(store.db, "peon", ["default"], "member")).apiKey);
    auth.other = basic("olga", (await createAccount(store.db, "olga", ["other"], "admin")).apiKey);
    // Old data, through the CLI: enough events for the verification to report progress on the way.
    writeFileSync(join(dir, "old.ndjson"), events(OLD_EVENTS, Date.parse("2026-01-01T00:00:00Z"), "old"));
    const cli = await runCli(["ingest", join(dir, "old.ndjson"), "--workers", "0"], { databaseUrl, env: cliEnv, timeoutMs: 120_000 });
    expect(cli.stdout.trim()).toBe(`accepted ${OLD_EVENTS}, duplicates 0, rejected 0`);
    writeFileSync(join(dir, "other.ndjson"), events(3, Date.parse("2025-06-01T00:00:00Z"), "oth"));
    expect((await runCli(["ingest", join(dir, "other.ndjson"), "--org", "other"], { databaseUrl, env: cliEnv })).code).toBe(0);
    server = await startServer({
      databaseUrl,
      env: {
        ...cliEnv,
        ORGTRAIL_FRESHNESS_WARN_MINUTES: "60",
        ORGTRAIL_MAX_BODY_BYTES: "200000",
        ORGTRAIL_UPSTREAM_URL: "http://127.0.0.1:9/",
        ORGTRAIL_CHECKPOINT_INTERVAL_SECONDS: "86400",
      },
    });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  it("records each upload with its caller: API, browser session, CLI, users imports, and a body too large", async () => {
    const now = Date.now();
    const body = events(3, now - 10 * 60_000, "api").replace(/\n/, '\n{"action": "user:login", "timestamp": \n');
    const api = await call("/api/v1/ingest?name=ignored%0Aname.ndjson", { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
    expect(await api.json()).toMatchObject({ accepted: 3, duplicates: 0, rejected: [{ line: 2 }] });

    const session = await fetch(`${server.baseUrl}/api/v1/session`, {
      method: "POST",
      body: JSON.stringify({ username: "boss", apiKey: Buffer.from(auth.admin.slice(6), "base64").toString().split(":")[1] }),
      headers: { "content-type": "application/json" },
    });
    expect(session.status).toBe(200);
    const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0]!;
    const browser = await call("/api/v1/ingest?name=from-browser.ndjson", {
      method: "POST",
      body: events(2, now - 5 * 60_000, "web") + events(1, now - 10 * 60_000, "api"),
      headers: { cookie, origin: server.baseUrl, "content-type": "application/x-ndjson" },
    });
    expect(await browser.json()).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });

    const csv = [CSV_HEADER, `"Ann","ann","","admin","api0@data.test","ops","",1,2,0,"Full"`, `"bad"`].join("\n");
    const users = await call("/api/v1/users/import?name=people.csv", { method: "POST", body: csv, headers: { "content-type": "text/csv" } });
    expect(await users.json()).toMatchObject({ format: "csv", created: 0, updated: 1, rejected: [{ line: 3 }] });
    writeFileSync(join(dir, "cli-users.csv"), [CSV_HEADER, `"Web","web0","","member","web0@data.test","","",0,0,0,"Viewer"`].join("\n"));
    expect((await runCli(["import-users", join(dir, "cli-users.csv")], { databaseUrl, env: cliEnv })).code).toBe(0);

    // Streamed without a Content-Length: the limit is found while ingesting, and the run is recorded as failed.
    // Its own connection (the server stops reading and closes it; a pooled fetch would reuse it).
    const big = await postChunked("/api/v1/ingest", events(3000, now - 3 * 86_400_000, "big"));
    expect(big.status).toBe(413);

    const { runs } = await json<UploadsView>("/api/v1/data/uploads?limit=10");
    const shape = runs.map((r) => [r.source, r.kind, r.label, r.status, r.accepted, r.duplicates, r.rejected]);
    expect(shape).toEqual([
      ["api", "events", null, "failed", expect.any(Number), 0, 0],
      ["cli", "users", "cli-users.csv", "ok", 1, 0, 0],
      ["api", "users", "people.csv", "ok", 1, 0, 1],
      ["browser", "events", "from-browser.ndjson", "ok", 2, 1, 0],
      ["api", "events", "ignoredname.ndjson", "ok", 3, 0, 1],
      ["cli", "events", "old.ndjson", "ok", OLD_EVENTS, 0, 0],
    ]);
    expect(runs[0]!.error).toMatch(/larger than 200000 bytes/);
    expect(runs[2]!.rejectedSample).toEqual([{ line: 3, error: "expected 11 fields as in the header, found 1" }]);
    expect(runs[2]!.detail).toEqual({ format: "csv", created: 0, updated: 1 });
    expect(runs[3]!.actor).toBe("boss");
    expect(runs[4]!.rejectedSample).toEqual([{ line: 2, error: expect.stringMatching(/^invalid JSON/) }]);
    expect(runs[5]!.actor).toMatch(/^cli( \(.+\))?$/);
    expect(Date.parse(runs[5]!.startedAt)).toBeLessThanOrEqual(Date.parse(runs[5]!.finishedAt));
    // The limit parameter, and another organization's uploads are its own.
    expect((await json<UploadsView>("/api/v1/data/uploads?limit=2")).runs).toHaveLength(2);
    expect((await json<UploadsView>("/api/v1/data/uploads", auth.other)).runs.map((r) => r.label)).toEqual(["other.ndjson"]);
    expect((await call("/api/v1/data/uploads?limit=0")).status).toBe(400);
  });

  it("sums up each source: last run, last new data, lag, failures and rejected lines; job state read generically", async () => {
    // A folder in the export's layout, read by the CLI's bucket source: one object, one bad line.
    const folder = join(dir, "bucket", "wandb-audit-logs", "default", "2026-02-01");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "000000000001-000000000003.ndjson"), events(2, Date.parse("2026-02-01T00:00:00Z"), "bkt") + "not json\n");
    expect((await runCli(["import-bucket", "--from", `file://${join(dir, "bucket")}`], { databaseUrl, env: cliEnv })).code).not.toBe(2);
    // Jobs the page knows nothing about by name: a directory sync failing, a pull's checkpoint, another org's checkpoint, an unrelated job.
    await recordJobFailure(store, "directory-sync", new Error("SCIM answered 401 for https://wandb.example/scim/Users"));
    await saveCheckpoint(store.db, "upstream-pull:default:0123456789abcdef", JSON.stringify({ v: 1, nextDay: "2026-03-30" }));
    await saveCheckpoint(store.db, "upstream-pull:other:fedcba9876543210", JSON.stringify({ v: 1, nextDay: "2026-01-01" }));
    await recordJobSuccess(store, "bucket-export");

    const view = await json<DataSourcesView>("/api/v1/data/sources");
    const by = Object.fromEntries(view.sources.map((s) => [s.id, s]));
    expect(view.sources.map((s) => s.id)).toEqual(["browser", "api", "cli", "pull", "bucket", "directory"]);
    const checked = Date.parse(view.checkedAt);

    expect(by.browser).toMatchObject({ status: "ok", runs30d: 1, accepted30d: 2, rejected30d: 0, failures30d: 0, lastError: null });
    expect(by.browser!.lagSeconds).toBe(Math.floor((checked - Date.parse(by.browser!.lastDataAt!)) / 1000));
    expect(by.api).toMatchObject({ status: "failing", runs30d: 3, rejected30d: 2, failures30d: 1 });
    expect(by.api!.lastError!.message).toMatch(/larger than 200000 bytes/);
    expect(by.cli).toMatchObject({ status: "ok", runs30d: 2, accepted30d: OLD_EVENTS + 1, rejected30d: 0 });
    expect(by.pull).toMatchObject({ status: "off", lastRunAt: null });
    expect(by.pull!.setup).toMatch(/ORGTRAIL_UPSTREAM_USERNAME or ORGTRAIL_UPSTREAM_API_KEY is not/);
    expect(by.pull!.jobs.map((j) => [j.name, j.progress])).toEqual([["upstream-pull:default:0123456789abcdef", { completeBefore: "2026-03-30" }]]);
    expect(by.bucket).toMatchObject({ status: "ok", runs30d: 1, accepted30d: 2, rejected30d: 1 });
    expect(by.bucket!.setup).toMatch(/^Not set up/);
    expect(by.directory).toMatchObject({ status: "failing", lastError: { message: "SCIM answered 401 for https://wandb.example/scim/Users" } });
    expect(by.directory!.jobs.map((j) => [j.name, j.consecutiveFailures])).toEqual([["directory-sync", 1]]);
    expect(view.otherJobs.map((j) => j.name)).toContain("bucket-export");
    expect(JSON.stringify(view)).not.toContain("upstream-pull:other:");

    const other = await json<DataSourcesView>("/api/v1/data/sources", auth.other);
    const otherPull = other.sources.find((s) => s.id === "pull")!;
    expect(otherPull.jobs.map((j) => j.name)).toEqual(["upstream-pull:other:fedcba9876543210"]);
    expect(otherPull.setup).toMatch(/not|organization/);
  });

  it("says how old the newest event is, against ORGTRAIL_FRESHNESS_WARN_MINUTES", async () => {
    const f = await json<FreshnessView>("/api/v1/data/freshness");
    const newest = await maxTs("default");
    const lastSeq = Number((await store.db.selectFrom("organizations").select("last_seq").where("slug", "=", "default").executeTakeFirstOrThrow()).last_seq);
    expect(f).toMatchObject({ newestEventAt: new Date(newest).toISOString(), warnAfterMinutes: 60, stale: false, eventsStored: lastSeq });
    expect(f.ageSeconds).toBe(Math.floor((Date.parse(f.checkedAt) - newest) / 1000));
    const received = await store.db
      .selectFrom("events")
      .innerJoin("organizations", "organizations.id", "events.org_id")
      .select("events.ingested_at")
      .where("organizations.slug", "=", "default")
      .where("events.seq", "=", lastSeq)
      .executeTakeFirstOrThrow();
    expect(f.lastReceivedAt).toBe(new Date(Number(received.ingested_at)).toISOString());

    const stale = await json<FreshnessView>("/api/v1/data/freshness", auth.other);
    expect(stale).toMatchObject({ newestEventAt: new Date(await maxTs("other")).toISOString(), stale: true, eventsStored: 3 });
    expect(stale.ageSeconds!).toBeGreaterThan(60 * 60);
  });

  it("verifies now, streaming progress, records the outcome; the integrity status reads it without walking", async () => {
    const before = await json<IntegrityStatusView>("/api/v1/data/integrity");
    expect(before.lastCheck).toBeNull();
    expect(before.eventsStored).toBe(before.lastSeq);
    expect(before.unsignedEvents).toBe(before.lastSeq - (before.lastCheckpoint?.toSeq ?? 0));
    expect(before.checkpointIntervalSeconds).toBe(86400);

    expect((await call("/api/v1/data/integrity/verify", { method: "POST", as: auth.auditor })).status).toBe(403);
    const response = await call("/api/v1/data/integrity/verify", { method: "POST" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as VerifyStreamLine);
    const progress = lines.filter((l) => l.type === "progress");
    expect(progress[0]).toEqual({ type: "progress", done: 0, total: before.lastSeq });
    expect(progress.slice(1).map((p) => p.type === "progress" && p.done)).toEqual([5000, 10000]);
    const result = lines.at(-1)!;
    expect(result.type).toBe("result");
    if (result.type !== "result") return;
    expect(result.check).toMatchObject({
      ok: true,
      events: before.lastSeq,
      fromSeq: 1,
      lastSeq: before.lastSeq,
      actor: "boss",
      firstBadSeq: null,
      reason: null,
    });

    const after = await json<IntegrityStatusView>("/api/v1/data/integrity", auth.auditor);
    expect(after.lastCheck).toEqual(result.check);

    expect((await runCli(["checkpoint"], { databaseUrl, env: cliEnv })).code).toBe(0);
    const signed = await json<IntegrityStatusView>("/api/v1/data/integrity");
    expect(signed.lastCheckpoint).toMatchObject({ toSeq: signed.lastSeq });
    expect(signed.unsignedEvents).toBe(0);
  });

  it("lets readers read and only admins write; members and other organizations are refused", async () => {
    for (const path of ["/api/v1/data/freshness", "/api/v1/data/sources", "/api/v1/data/uploads", "/api/v1/data/integrity"]) {
      expect((await call(path, { as: auth.auditor })).status, path).toBe(200);
      expect((await call(path, { as: auth.member })).status, path).toBe(403);
      expect((await call(`${path}?org=other`)).status, path).toBe(403);
      expect((await call(path, { as: "" })).status, path).toBe(401);
    }
    expect((await call("/api/v1/data/integrity/verify", { method: "POST", as: auth.member })).status).toBe(403);
    // A cross-site browser post is refused before anything runs.
    expect((await call("/api/v1/data/integrity/verify", { method: "POST", headers: { origin: "https://evil.example" } })).status).toBe(403);
  });

  it("records a failed verification with the first bad event, and runs one verification per organization at a time", async () => {
    // In this process (the server's guard is per process): a second verification while one runs is refused.
    const { runIntegrityCheck, VerificationRunningError } = await import("@/lib/trust/integrity-checks");
    const orgId = Number((await store.db.selectFrom("organizations").select("id").where("slug", "=", "other").executeTakeFirstOrThrow()).id);
    const { resetEnvCache } = await import("@/lib/env");
    process.env.ORGTRAIL_SIGNING_KEY_FILE = cliEnv.ORGTRAIL_SIGNING_KEY_FILE;
    resetEnvCache();
    const first = runIntegrityCheck(store, orgId, { accountId: null, actor: "test" });
    await expect(runIntegrityCheck(store, orgId, { accountId: null, actor: "test" })).rejects.toBeInstanceOf(VerificationRunningError);
    expect((await first).ok).toBe(true);

    if (store.dialect === "sqlite") await sql`DROP TRIGGER events_no_update`.execute(store.db);
    else await sql`DROP TRIGGER events_append_only ON events`.execute(store.db);
    await sql`UPDATE events SET body = replace(body, 'oth1@', 'oth9@') WHERE org_id = ${orgId} AND seq = 2`.execute(store.db);
    const response = await call("/api/v1/data/integrity/verify", { method: "POST", as: auth.other });
    const result = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as VerifyStreamLine)
      .at(-1)!;
    expect(result).toMatchObject({ type: "result", check: { ok: false, firstBadSeq: 2 } });
    const status = await json<IntegrityStatusView>("/api/v1/data/integrity", auth.other);
    expect(status.lastCheck).toMatchObject({ ok: false, firstBadSeq: 2, actor: "olga" });
    expect(status.lastCheck!.reason).toMatch(/event 2/);
  });
});
