// The trust surface end to end (4 checkpoints in the store: 1 by hand, 3 by the export; 3 files beside the objects): `orgtrail verify`, `verify-export` (an exported folder checked
// offline with the public key alone), `keys public`, `purge`, and GET /api/v1/integrity.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as integrityRoute } from "@/app/api/v1/integrity/route";
import { createAccount } from "@/lib/auth/accounts";
import { openBucket } from "@/lib/bucket/storage";
import { getStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { exportToBucket } from "@/lib/export/bucket-export";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createCheckpoint } from "@/lib/trust/checkpoint";
import { runCli } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const saved = { ...process.env };
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
const lines = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      action: "run:update",
      timestamp: new Date(Date.parse("2026-03-01T00:00:00Z") + i * 60_000).toISOString(),
      actor_email: `u${i % 3}@acme.test`,
      ...(i % 4 === 1 ? { x_unknown: i } : {}),
    }),
  ).join("\n") + "\n";
const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(dir, e.name), out);
    else out.push(join(dir, e.name));
  }
  return out;
}

describe(`trust CLI and API on ${testStoreKind()}`, () => {
  let store: Store;
  let url: string;
  let env: Record<string, string>;
  let admin = "";
  let member = "";
  let exportDir = "";
  let pubFile = "";

  beforeAll(async () => {
    url = await createTestDatabaseUrl();
    const keyFile = join(testTmpRoot(), `signing-${randomBytes(4).toString("hex")}.key`);
    env = { ORGTRAIL_SIGNING_KEY_FILE: keyFile };
    Object.assign(process.env, env, { ORGTRAIL_DATABASE_URL: url });
    resetEnvCache();
    store = await getStore();
    const orgId = await ensureOrg(store.db);
    admin = basic("boss", (await createAccount(store.db, "boss", ["default"], "admin")).apiKey);
    member = basic("peon", (await createAccount(store.db, "peon", ["default"], "member")).apiKey);
    await ingestNdjson(store, orgId, bytes(lines(20)), { deployment: "self-managed", batchSize: 6 });
    await createCheckpoint(store, orgId);
    exportDir = mkdtempSync(join(testTmpRoot(), "export-"));
    const bucket = openBucket(`file://${exportDir}`);
    try {
      // The export signs a checkpoint of each object's range and writes it beside the object.
      await exportToBucket(store, bucket, { maxEventsPerObject: 7 });
    } finally {
      bucket.close();
    }
  });
  afterAll(async () => {
    await store?.close();
    process.env = saved;
    resetEnvCache();
  });

  it("prints the public key, the same way twice", async () => {
    const a = await runCli(["keys", "public"], { databaseUrl: url, env });
    const b = await runCli(["verify", "--print-public-key"], { databaseUrl: url, env });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(b.stdout).toBe(a.stdout);
    pubFile = join(testTmpRoot(), `pub-${randomBytes(4).toString("hex")}.pem`);
    writeFileSync(pubFile, a.stdout);
  });

  it("verifies an untouched store, with and without the exported checkpoints", async () => {
    const r = await runCli(["verify"], { databaseUrl: url, env });
    expect(r.stdout).toMatch(/^default: ok, events 1-20, \d+ signed checkpoints/);
    expect(r.code).toBe(0);
    const withExport = await runCli(["verify", "--checkpoints", exportDir, "--public-key", pubFile, "--json"], { databaseUrl: url, env });
    expect(withExport.code).toBe(0);
    expect(JSON.parse(withExport.stdout)).toMatchObject({ ok: true, orgs: [{ org: "default", ok: true, checkpoints: 7 }] });
  });

  it("answers GET /api/v1/integrity for an admin only", async () => {
    const res = await integrityRoute(new Request("http://localhost/api/v1/integrity", { headers: { authorization: admin } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, org: "default", firstBadSeq: null, lastSeq: 20, events: 20 });
    const denied = await integrityRoute(new Request("http://localhost/api/v1/integrity", { headers: { authorization: member } }));
    expect(denied.status).toBe(403);
  });

  it("verifies the exported folder offline, and names an edited line", async () => {
    const files = walk(exportDir).sort();
    expect(files.filter((f) => f.endsWith(".ndjson"))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith(".checkpoint.json"))).toHaveLength(3);
    const ok = await runCli(["verify-export", exportDir, "--public-key", pubFile], { databaseUrl: "file:/nonexistent/never-opened.db", env: {} });
    expect(ok.stdout).toMatch(/^default: ok, events 1-20 in 3 objects/);
    expect(ok.code).toBe(0);
    const second = files.find((f) => f.endsWith("000000000008-000000000014.ndjson"))!;
    writeFileSync(second, readFileSync(second, "utf8").replace("u1@acme", "u7@acme"));
    const bad = await runCli(["verify-export", exportDir, "--public-key", pubFile], { databaseUrl: "file:/nonexistent/never-opened.db", env: {} });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^default: FAILED at sequence 8: .*do not hash to the signed chain head/);
  });

  it("names the first bad sequence after tampering in the database (CLI exit 1, API 409)", async () => {
    if (store.dialect === "sqlite") await sql`DROP TRIGGER events_no_update`.execute(store.db);
    else await sql`DROP TRIGGER events_append_only ON events`.execute(store.db);
    await sql`UPDATE events SET body = replace(body, 'run:update', 'run:delete') WHERE seq = 5`.execute(store.db);
    const r = await runCli(["verify"], { databaseUrl: url, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^default: FAILED at sequence 5: event 5 was altered/);
    const res = await integrityRoute(new Request("http://localhost/api/v1/integrity", { headers: { authorization: admin } }));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ ok: false, firstBadSeq: 5, code: "edited_event", reason: expect.stringContaining("event 5") });
  });

  it("refuses a retention under six years; purge is a dry run by default", async () => {
    const refused = await runCli(["purge"], { databaseUrl: url, env: { ...env, ORGTRAIL_RETENTION_DAYS: "365" } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ORGTRAIL_RETENTION_DAYS: must be at least 2192 days/);
    const dry = await runCli(["purge"], { databaseUrl: url, env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^default: nothing to purge \(older than .*, retention 2192 days\)/);
    expect(dry.stderr).toMatch(/dry run/);
  });
});
