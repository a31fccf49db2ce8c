// The seed's audit-log API against the built server: window, order, anonymize, auth, errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCHEMA = new Set([
  "action",
  "actor_email",
  "actor_ip",
  "actor_user_id",
  "artifact_asset",
  "artifact_digest",
  "artifact_qualified_name",
  "artifact_sequence_asset",
  "cli_version",
  "entity_asset",
  "entity_name",
  "project_asset",
  "project_name",
  "report_asset",
  "report_name",
  "response_code",
  "timestamp",
  "user_asset",
  "user_email",
]);
const PII = ["actor_email", "user_email", "actor_ip", "entity_name", "project_name", "report_name", "artifact_qualified_name"];

/** A seeded sample: offsets, nulls, unknown keys, duplicates, events on window edges. */
function sampleEvents(): Record<string, unknown>[] {
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const offsets = ["Z", "+02:00", "-05:00", "+05:30", "Z"];
  const actions = ["user:login", "project:read", "run:update", "report:read", "artifact:read", "custom:thing"];
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 400; i++) {
    const day = 1 + Math.floor(rand() * 28);
    const hour = Math.floor(rand() * 24);
    const off = offsets[i % offsets.length]!;
    const ts = `2026-02-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00${i % 7 === 0 ? ".250" : ""}${off}`;
    const e: Record<string, unknown> = {
      action: actions[i % actions.length],
      timestamp: ts,
      actor_email: `u${i % 13}@acme.test`,
      actor_ip: `192.0.2.${i % 250}`,
      entity_name: `team${i % 3}`,
      project_name: i % 2 ? `proj${i % 5}` : null,
      response_code: i % 11 === 0 ? 403 : 200,
    };
    if (i % 17 === 0) e.extra_field = { note: "kept, not exported" };
    events.push(e);
  }
  events.push({ action: "user:login", timestamp: "2026-02-10T00:00:00Z", actor_email: "edge@acme.test" });
  events.push({ action: "user:login", timestamp: "2026-02-10T23:59:59.999Z", actor_email: "edge@acme.test" });
  events.push({ action: "user:login", timestamp: "2026-02-11T01:00:00+02:00", actor_email: "edge@acme.test" }); // = Feb 10 23:00Z
  return [...events, ...events.slice(0, 25)]; // duplicates
}

/** The reference answer computed from SPEC §5 alone. */
function expectedWindow(events: Record<string, unknown>[], from: string, to: string, anonymize: boolean): string[] {
  const seen = new Set<string>();
  const rows: { t: number; i: number; out: Record<string, unknown> }[] = [];
  events.forEach((e, i) => {
    const t = Date.parse(e.timestamp as string);
    const out: Record<string, unknown> = {};
    for (const k of [...SCHEMA].sort()) if (e[k] !== undefined && e[k] !== null) out[k] = e[k];
    out.timestamp = new Date(t).toISOString();
    const key =
      JSON.stringify(
        Object.keys(out)
          .sort()
          .map((k) => [k, out[k]]),
      ) + JSON.stringify(e.extra_field ?? null);
    if (seen.has(key)) return;
    seen.add(key);
    if (t < Date.parse(`${from}T00:00:00Z`) || t >= Date.parse(`${to}T00:00:00Z`) + 86_400_000) return;
    if (anonymize) for (const k of PII) delete out[k];
    rows.push({ t, i, out });
  });
  rows.sort((a, b) => a.t - b.t || a.i - b.i);
  return rows.map((r) => JSON.stringify(r.out));
}

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

describe("GET /admin/audit_logs", () => {
  let server: RunningServer;
  let databaseUrl: string;
  let adminKey: string;
  let memberKey: string;
  const events = sampleEvents();

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(tmpdir(), "orgtrail-it-"));
    const file = join(dir, "events.ndjson");
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    adminKey = (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim();
    memberKey = (await runCli(["admin", "create", "viewer", "--role", "member"], { databaseUrl })).stdout.trim();
    const ingest = await runCli(["ingest", file], { databaseUrl });
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain(`accepted ${events.length - 25}, duplicates 25, rejected 0`);
    // anonymize=hash keys its pseudonyms with the instance secret key (never a file in the repo).
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TODAY: "2026-02-28", ORGTRAIL_SECRET_KEY: Buffer.alloc(32, 11).toString("base64") } });
  });
  afterAll(async () => server?.stop());

  const get = (query: string, headers: Record<string, string> = basic("root", adminKey)) => fetch(`${server.baseUrl}/admin/audit_logs${query}`, { headers });

  it.each([
    ["?startDate=2026-02-10", "2026-02-10", "2026-02-10", false],
    ["?startDate=2026-02-10&numDays=3", "2026-02-07", "2026-02-10", false],
    ["?numDays=5", "2026-02-23", "2026-02-28", false],
    ["", "2026-02-28", "2026-02-28", false],
    ["?startDate=2026-02-20&numDays=30&anonymize=true", "2026-01-21", "2026-02-20", true],
  ])("%s returns the window oldest first, schema keys only", async (query, from, to, anonymize) => {
    const res = await get(query);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const text = await res.text();
    const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
    const expected = expectedWindow(events, from, to, anonymize);
    expect(expected.length).toBeGreaterThan(0);
    expect(lines).toEqual(expected);
  });

  it("anonymize=hash returns the same events, each PII value replaced by a stable per-organization pseudonym", async () => {
    const res = await get("?startDate=2026-02-20&numDays=30&anonymize=hash");
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/\n$/, "").split("\n");
    const expected = expectedWindow(events, "2026-01-21", "2026-02-20", false);
    expect(lines).toHaveLength(expected.length);
    const pseudonyms = new Map<string, string>();
    const values = new Map<string, string>();
    lines.forEach((line, i) => {
      const got = JSON.parse(line) as Record<string, unknown>;
      const plain = JSON.parse(expected[i]!) as Record<string, unknown>;
      expect(Object.keys(got)).toEqual(Object.keys(plain));
      for (const [k, v] of Object.entries(plain)) {
        if (!PII.includes(k)) {
          expect(got[k]).toEqual(v);
          continue;
        }
        const h = got[k] as string;
        expect(h).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
        const text = k.endsWith("_email") ? String(v).toLowerCase() : String(v);
        // Same value, same pseudonym; different values, different pseudonyms.
        expect(pseudonyms.get(text) ?? h).toBe(h);
        expect(values.get(h) ?? text).toBe(text);
        pseudonyms.set(text, h);
        values.set(h, text);
      }
    });
    expect(pseudonyms.size).toBeGreaterThan(10);
    // Paged too, and a cursor of a hashed page is only good for hashed pages.
    const page = (await (await get("?startDate=2026-02-20&numDays=30&anonymize=hash&limit=5")).json()) as {
      audit_logs: Record<string, unknown>[];
      next_cursor: string;
    };
    expect(page.audit_logs.map((e) => JSON.stringify(e))).toEqual(lines.slice(0, 5));
    const next = await get(`?startDate=2026-02-20&numDays=30&anonymize=hash&limit=5&cursor=${page.next_cursor}`);
    expect(((await next.json()) as { audit_logs: unknown[] }).audit_logs.map((e) => JSON.stringify(e))).toEqual(lines.slice(5, 10));
    const wrong = await get(`?startDate=2026-02-20&numDays=30&anonymize=true&limit=5&cursor=${page.next_cursor}`);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain("issued with anonymize=hash");
  });

  it("401s with WWW-Authenticate: Basic on missing or wrong credentials", async () => {
    for (const headers of [
      {},
      basic("root", "wrong"),
      basic("nobody", adminKey),
      { Authorization: "Basic !!!" },
      { Authorization: "Basic " + Buffer.from("nocolon").toString("base64") },
    ]) {
      const res = await get("", headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe("unauthorized");
    }
  });

  it("403s for a member who is not an admin", async () => {
    const res = await get("", basic("viewer", memberKey));
    expect(res.status).toBe(403);
  });

  it("keeps its own access log apart from the organization's events", async () => {
    const store = await openStore(databaseUrl);
    try {
      let rows: { account_id: number | null; path: string; status: number }[] = [];
      for (let i = 0; i < 50 && !rows.some((r) => r.status === 403); i++) {
        await new Promise((r) => setTimeout(r, 200));
        rows = await store.db.selectFrom("access_log").select(["account_id", "path", "status"]).execute();
      }
      const root = await store.db.selectFrom("accounts").select("id").where("username", "=", "root").executeTakeFirstOrThrow();
      expect(rows.some((r) => r.account_id === root.id && r.path === "/admin/audit_logs" && r.status === 200)).toBe(true);
      expect(rows.some((r) => r.account_id === null && r.status === 401)).toBe(true);
      expect(rows.some((r) => r.status === 403)).toBe(true);
      const leaked = await store.db.selectFrom("events").select("seq").where("body", "like", "%/admin/audit_logs%").execute();
      expect(leaked).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it.each(["?startDate=2026-02-30", "?startDate=02/10/2026", "?numDays=-1", "?numDays=two", "?anonymize=yes", "?anonymize=sha256"])(
    "400s on %s with a JSON error",
    async (query) => {
      const res = await get(query);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/invalid (startDate|numDays|anonymize)/);
    },
  );
});

describe("GET /admin/audit_logs in multi-tenant mode", () => {
  let server: RunningServer;
  let databaseUrl: string;
  let keys: Record<string, string> = {};

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const env = { ORGTRAIL_DEPLOYMENT: "multi-tenant" };
    keys = {
      solo: (await runCli(["admin", "create", "solo", "--org", "acme"], { databaseUrl, env })).stdout.trim(),
      multi: (await runCli(["admin", "create", "multi", "--org", "acme", "--org", "globex"], { databaseUrl, env })).stdout.trim(),
    };
    const lines = [
      { action: "report:read", timestamp: "2026-02-22T10:00:00Z", actor_email: "a@acme.test" },
      { action: "user:login", timestamp: "2026-02-21T00:00:00Z", actor_email: "a@acme.test", actor_ip: "192.0.2.1" },
      { action: "user:login", timestamp: "2026-02-20T23:59:59Z", actor_email: "a@acme.test" },
    ];
    const ingest = await runCli(["ingest", "-", "--org", "acme"], { databaseUrl, env, input: lines.map((l) => JSON.stringify(l)).join("\n") });
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain("accepted 2, duplicates 0, rejected 0, skipped 1");
    server = await startServer({ databaseUrl, env: { ...env, ORGTRAIL_TODAY: "2026-02-28" } });
  });
  afterAll(async () => server?.stop());

  it("caps numDays at 7, keeps PII and skips report:read", async () => {
    const res = await fetch(`${server.baseUrl}/admin/audit_logs?numDays=30&anonymize=true`, { headers: basic("solo", keys.solo!) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"action":"user:login","actor_email":"a@acme.test","actor_ip":"192.0.2.1","timestamp":"2026-02-21T00:00:00.000Z"}\n');
  });

  it("ignores anonymize=hash too", async () => {
    const res = await fetch(`${server.baseUrl}/admin/audit_logs?numDays=30&anonymize=hash`, { headers: basic("solo", keys.solo!) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"action":"user:login","actor_email":"a@acme.test","actor_ip":"192.0.2.1","timestamp":"2026-02-21T00:00:00.000Z"}\n');
  });

  it("answers the seed's error to a member of several organizations without a default", async () => {
    const res = await fetch(`${server.baseUrl}/admin/audit_logs`, { headers: basic("multi", keys.multi!) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBe("user is associated with multiple organizations but no valid org ID found in user info");
  });

  it("routes a member of several organizations to its default API organization", async () => {
    const set = await runCli(["admin", "default-org", "multi", "acme"], { databaseUrl, env: { ORGTRAIL_DEPLOYMENT: "multi-tenant" } });
    expect(set.code).toBe(0);
    const res = await fetch(`${server.baseUrl}/admin/audit_logs`, { headers: basic("multi", keys.multi!) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const week = await fetch(`${server.baseUrl}/admin/audit_logs?numDays=7`, { headers: basic("multi", keys.multi!) });
    expect((await week.text()).split("\n").filter(Boolean)).toHaveLength(1);
  });
});
