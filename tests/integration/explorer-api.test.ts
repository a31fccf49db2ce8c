// The explorer API over the built server and a real store (SQLite, or PostgreSQL with
// ORGTRAIL_TEST_STORE=postgres): every answer checked against a reference computed here over
// the same events (tests/support/explorer-reference.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_KEYS } from "@/lib/audit/schema";
import { createAccount } from "@/lib/auth/accounts";
import { openStore } from "@/lib/db/client";
import {
  DAY_MS,
  makeEvents,
  MODEL_USERS,
  newestFirst,
  oldestFirst,
  parseOrThrow,
  REFERENCE_QUERIES,
  refMatches,
  storedLine,
  type TestEvent,
} from "../support/explorer-reference";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

interface Page {
  events: Record<string, unknown>[];
  total: number;
  next_cursor: string | null;
}

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });
const ndjson = (events: TestEvent[]) => events.map((e) => JSON.stringify(e.json)).join("\n") + "\n";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the explorer API", () => {
  let server: RunningServer;
  let key: string;
  let auditorKey: string;
  let memberKey: string;
  let otherKey: string;
  const events = makeEvents(1500, 21);
  const headers = () => basic("root", key);

  /** GET with the admin's credentials; a 503 while the index builds is retried. */
  async function get(path: string, auth: Record<string, string> = headers()): Promise<Response> {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: auth });
      if (res.status !== 503) return res;
      expect(res.headers.get("retry-after")).toBe("5");
      await res.arrayBuffer();
      await sleep(200);
    }
    throw new Error(`${path} kept answering 503`);
  }

  async function page(q: string, limit: number, cursor: string | null, org = ""): Promise<Page> {
    const res = await get(`/api/v1/events?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}${org}`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    return (await res.json()) as Page;
  }

  async function allPages(q: string, limit: number): Promise<{ lines: string[]; pages: Page[] }> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const p = await page(q, limit, cursor);
      pages.push(p);
      cursor = p.next_cursor;
      if (cursor === null) break;
    }
    return { lines: pages.flatMap((p) => p.events.map((e) => JSON.stringify(e))), pages };
  }

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "explorer-"));
    const file = join(dir, "events.ndjson");
    writeFileSync(file, ndjson(events));
    // The directory gives some users a username (actor:bobby).
    const csv = join(dir, "users.csv");
    const header = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';
    writeFileSync(
      csv,
      [header, ...MODEL_USERS.filter((u) => u.username).map((u) => `"${u.username}","${u.username}","","member","${u.email}","","",0,0,0,""`)].join("\n") +
        "\n",
    );
    key = (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim();
    // The CLI creates admins and members; an auditor is made through the same library call.
    const store = await openStore(databaseUrl);
    try {
      auditorKey = (await createAccount(store.db, "audra", ["default"], "auditor")).apiKey;
    } finally {
      await store.close();
    }
    memberKey = (await runCli(["admin", "create", "mo", "--role", "member"], { databaseUrl })).stdout.trim();
    otherKey = (await runCli(["admin", "create", "olga", "--org", "other"], { databaseUrl })).stdout.trim();
    expect((await runCli(["import-users", csv], { databaseUrl })).code).toBe(0);
    const ingested = await runCli(["ingest", file], { databaseUrl });
    expect(ingested.stdout).toContain(`accepted ${events.length}`);
    // A few events of another organization: never in this one's answers.
    const other = join(dir, "other.ndjson");
    writeFileSync(other, ndjson(makeEvents(40, 99)));
    expect((await runCli(["ingest", other, "--org", "other"], { databaseUrl })).code).toBe(0);
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TODAY: "2026-12-01" } });
  });
  afterAll(async () => server?.stop());

  it("answers every query with the exact total and every match once, newest first, over cursors", async () => {
    for (const text of REFERENCE_QUERIES) {
      const q = parseOrThrow(text);
      const expected = events
        .filter((e) => refMatches(q, e))
        .sort(newestFirst)
        .map(storedLine);
      const first = await page(text, 50, null);
      expect(first.total, text).toBe(expected.length);
      expect(
        first.events.map((e) => JSON.stringify(e)),
        text,
      ).toEqual(expected.slice(0, 50));
      expect(first.next_cursor === null, text).toBe(expected.length <= 50);
      if (expected.length > 50 && expected.length < 900) {
        const { lines, pages } = await allPages(text, 73);
        expect(lines, text).toEqual(expected);
        expect(pages.every((p) => p.total === expected.length)).toBe(true);
      }
    }
  });

  it("returns schema keys only (unknown keys are searched, never returned) and limit 1000 at most", async () => {
    const p = await page("robotics", 1000, null);
    expect(p.events.length).toBeGreaterThan(0);
    for (const e of p.events) for (const k of Object.keys(e)) expect(SCHEMA_KEYS as readonly string[]).toContain(k);
    const whole = await page("", 1000, null);
    expect(whole.events).toHaveLength(1000);
    expect(whole.total).toBe(events.length);
    const dflt = (await (await get("/api/v1/events")).json()) as Page;
    expect(dflt.events).toHaveLength(50);
  });

  it("refuses malformed queries with the term and its position, and bad parameters", async () => {
    const bad = async (path: string, message: string) => {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message, path).toContain(message);
    };
    await bad(`/api/v1/events?q=${encodeURIComponent("action:user:login foo:bar")}`, 'unknown qualifier "foo"');
    await bad(`/api/v1/events?q=${encodeURIComponent("action:user:login foo:bar")}`, 'term "foo:bar" at position 19');
    await bad(`/api/v1/events?q=${encodeURIComponent("created:2026-02-30")}`, '"2026-02-30" is not a date');
    await bad(`/api/v1/events?q=${encodeURIComponent("status:200 ip:10.0.0.0/33")}`, 'term "ip:10.0.0.0/33" at position 12');
    await bad(`/api/v1/events?q=${encodeURIComponent('"open')}`, "unclosed quote");
    await bad(`/api/v1/events/facets?q=${encodeURIComponent("foo:bar")}&field=action`, "unknown qualifier");
    await bad(`/api/v1/events/histogram?q=${encodeURIComponent("created:2026-13-01")}`, "is not a date");
    await bad(`/api/v1/events/export?q=${encodeURIComponent("status:teapot")}`, "status: expects");
    await bad(`/admin/audit_logs?startDate=2026-11-30&numDays=60&q=${encodeURIComponent("-")}`, "invalid q");
    await bad("/api/v1/events?limit=0", "limit must be a whole number from 1 to 1000");
    await bad("/api/v1/events?limit=1001", "limit must be a whole number from 1 to 1000");
    await bad("/api/v1/events/facets?field=colour", "field must be one of");
    await bad("/api/v1/events/export?format=xml", "format must be ndjson or csv");
  });

  it("binds cursors to the query and the organization, and refuses altered ones", async () => {
    const first = await page("action:run:*", 10, null);
    const cursor = first.next_cursor!;
    const other = await get(`/api/v1/events?q=${encodeURIComponent("action:user:*")}&cursor=${encodeURIComponent(cursor)}`);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain("issued for another query");
    // The same query written differently is the same query.
    expect((await get(`/api/v1/events?q=${encodeURIComponent("  Action:run:*  ")}&limit=10&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
    const [body, mac] = cursor.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...payload, n: 1 })).toString("base64url")}.${mac}`;
    const altered = await get(`/api/v1/events?q=${encodeURIComponent("action:run:*")}&cursor=${encodeURIComponent(forged)}`);
    expect(altered.status).toBe(400);
    expect(((await altered.json()) as { error: { message: string } }).error.message).toContain("altered");
    // Another organization: olga belongs to "other" only.
    const elsewhere = await get(`/api/v1/events?q=${encodeURIComponent("action:run:*")}&cursor=${encodeURIComponent(cursor)}`, basic("olga", otherKey));
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toContain("another organization");
    // And that organization's answers are its own.
    const theirs = (await (await get("/api/v1/events?limit=1000", basic("olga", otherKey))).json()) as Page;
    expect(theirs.total).toBe(40);
  });

  it("lets auditors read, refuses members and anonymous callers", async () => {
    expect((await get("/api/v1/events?q=acme", basic("audra", auditorKey))).status).toBe(200);
    expect((await get("/api/v1/events/facets?field=action", basic("audra", auditorKey))).status).toBe(200);
    expect((await get("/api/v1/events", basic("mo", memberKey))).status).toBe(403);
    expect((await fetch(`${server.baseUrl}/api/v1/events`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/v1/events/export`)).status).toBe(401);
  });

  it("facets: the 20 most frequent values among the matches, by count then value; users by email", async () => {
    const valueOf: Record<string, (e: TestEvent) => string | null> = {
      action: (e) => e.json.action as string,
      actor: (e) => e.actor?.email ?? null,
      user: (e) => e.target?.email ?? null,
      status: (e) => (typeof e.json.response_code === "number" ? String(e.json.response_code) : "none"),
      entity: (e) => (typeof e.json.entity_name === "string" ? e.json.entity_name : null),
      project: (e) => (typeof e.json.project_name === "string" ? e.json.project_name : null),
      ip: (e) => (typeof e.json.actor_ip === "string" ? e.json.actor_ip : null),
    };
    for (const text of ["", "status:>=400", "acme -action:user:login", "created:2026-10-10..2026-10-20 ip:10.0.0.0/8", "zzz-none"]) {
      const q = parseOrThrow(text);
      for (const [field, of] of Object.entries(valueOf)) {
        const counts = new Map<string, number>();
        for (const e of events) {
          if (!refMatches(q, e)) continue;
          const v = of(e);
          if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        const expected = [...counts]
          .map(([value, count]) => ({ value, count }))
          .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
          .slice(0, 20);
        const res = await get(`/api/v1/events/facets?q=${encodeURIComponent(text)}&field=${field}`);
        expect(res.status).toBe(200);
        expect(await res.json(), `${field} ${text}`).toEqual({ field, values: expected });
      }
    }
  });

  it("histogram: matches per UTC day, zero-filled over the query's days or the whole history", async () => {
    const dayOf = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    const firstDay = Math.min(...events.map((e) => Math.floor(e.ts / DAY_MS)));
    const lastDay = Math.max(...events.map((e) => Math.floor(e.ts / DAY_MS)));
    const check = async (text: string, from: number, to: number) => {
      const q = parseOrThrow(text);
      const counts = new Map<string, number>();
      for (const e of events) if (refMatches(q, e)) counts.set(dayOf(e.ts), (counts.get(dayOf(e.ts)) ?? 0) + 1);
      const days = [];
      for (let d = from; d <= to; d++) days.push({ date: dayOf(d * DAY_MS), count: counts.get(dayOf(d * DAY_MS)) ?? 0 });
      const res = await get(`/api/v1/events/histogram?q=${encodeURIComponent(text)}`);
      expect(res.status).toBe(200);
      expect(await res.json(), text).toEqual({ from: dayOf(from * DAY_MS), to: dayOf(to * DAY_MS), days });
    };
    await check("", firstDay, lastDay);
    await check("action:run:* -status:none", firstDay, lastDay);
    const d = (s: string) => Date.parse(`${s}T00:00:00Z`) / DAY_MS;
    await check("created:2026-10-10..2026-10-20 status:4xx", d("2026-10-10"), d("2026-10-20"));
    await check("created:>=2026-11-15", d("2026-11-15"), lastDay);
    await check("created:2026-09-20..2026-09-25", d("2026-09-20"), d("2026-09-25"));
  });

  it("exports every match oldest first, as NDJSON and as formula-safe CSV", async () => {
    for (const text of ["", "entity:ml-team -status:none", "acme"]) {
      const q = parseOrThrow(text);
      const expected = events.filter((e) => refMatches(q, e)).sort(oldestFirst);
      const res = await get(`/api/v1/events/export?q=${encodeURIComponent(text)}&format=ndjson`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/x-ndjson");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="events-default-\d{4}-\d{2}-\d{2}\.ndjson"$/);
      expect((await res.text()).split("\n").filter(Boolean)).toEqual(expected.map(storedLine));
    }
    const res = await get(`/api/v1/events/export?q=${encodeURIComponent("-user:nobody")}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).split("\n");
    expect(lines[0]).toBe(SCHEMA_KEYS.map((k) => `"${k}"`).join(","));
    expect(lines.at(-1)).toBe("");
    const records = lines.slice(1, -1);
    const all = [...events].sort(oldestFirst);
    expect(records).toHaveLength(all.length);
    // One record checked cell by cell: strings quoted, numbers bare, absent keys empty.
    const e = all.find(
      (x) => typeof x.json.entity_name === "string" && String(x.json.entity_name).startsWith("=") && typeof x.json.response_code === "number",
    )!;
    const record = records[all.indexOf(e)]!;
    const expectedCells = SCHEMA_KEYS.map((k) => {
      const v = k === "timestamp" ? new Date(e.ts).toISOString() : e.json[k];
      if (v === undefined) return '""';
      if (typeof v === "number") return String(v);
      const s = String(v).startsWith("=") ? `'${String(v)}` : String(v);
      return `"${s.replace(/"/g, '""')}"`;
    });
    expect(record).toBe(expectedCells.join(","));
    expect(record).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it("/admin/audit_logs?q= combines the query with its window and its older filters, NDJSON and pages", async () => {
    const from = Date.UTC(2026, 9, 15);
    const to = Date.UTC(2026, 10, 5);
    const inWindow = (e: TestEvent) => e.ts >= from && e.ts < to;
    const window = "startDate=2026-11-04&numDays=20";
    for (const text of ["status:>=400", "acme -ip:10.0.0.0/8"]) {
      const q = parseOrThrow(text);
      const expected = events
        .filter((e) => inWindow(e) && refMatches(q, e))
        .sort(oldestFirst)
        .map(storedLine);
      const res = await get(`/admin/audit_logs?${window}&q=${encodeURIComponent(text)}`);
      expect(res.status).toBe(200);
      expect((await res.text()).split("\n").filter(Boolean), text).toEqual(expected);
      // JSON pages with the signed cursor.
      const lines: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 200; i++) {
        const r = await get(`/admin/audit_logs?${window}&q=${encodeURIComponent(text)}&limit=29${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(r.status).toBe(200);
        const body = (await r.json()) as { audit_logs: unknown[]; next_cursor: string | null };
        lines.push(...body.audit_logs.map((x) => JSON.stringify(x)));
        cursor = body.next_cursor;
        if (cursor === null) break;
      }
      expect(lines, text).toEqual(expected);
    }
    // With the older filters: action and actor_email.
    const q = parseOrThrow("-status:none");
    const expected = events
      .filter(
        (e) =>
          inWindow(e) &&
          refMatches(q, e) &&
          (e.json.action === "run:update" || e.json.action === "run:stop") &&
          String(e.json.actor_email ?? "").toLowerCase() === "bob@acme.test",
      )
      .sort(oldestFirst)
      .map(storedLine);
    const res = await get(`/admin/audit_logs?${window}&q=${encodeURIComponent("-status:none")}&action=run:update,run:stop&actor_email=BOB@acme.test`);
    expect((await res.text()).split("\n").filter(Boolean)).toEqual(expected);
    // anonymize still applies.
    const anon = await get(`/admin/audit_logs?${window}&q=${encodeURIComponent("actor:bob@acme.test")}&anonymize=true`);
    const anonLines = (await anon.text()).split("\n").filter(Boolean);
    expect(anonLines.length).toBeGreaterThan(0);
    for (const l of anonLines) expect(l).not.toContain("acme.test");
    // A cursor of one q is refused under another.
    const p = (await (await get(`/admin/audit_logs?${window}&q=acme&limit=5`)).json()) as { next_cursor: string };
    expect((await get(`/admin/audit_logs?${window}&q=robotics&limit=5&cursor=${encodeURIComponent(p.next_cursor)}`)).status).toBe(400);
  });

  it("pages bound to the first page's snapshot: every match once while ingest runs (older events included)", async () => {
    const text = "-action:user:logout";
    const q = parseOrThrow(text);
    const before = events
      .filter((e) => refMatches(q, e))
      .sort(newestFirst)
      .map(storedLine);
    // New events over the same days (so many are older than the pages already read).
    const more = makeEvents(600, 77, Date.UTC(2026, 9, 1), events.length + 1);
    const seen: string[] = [];
    let cursor: string | null = null;
    let fed = 0;
    for (let i = 0; i < 500; i++) {
      const p = await page(text, 40, cursor);
      expect(p.total).toBe(before.length);
      seen.push(...p.events.map((e) => JSON.stringify(e)));
      cursor = p.next_cursor;
      if (fed < more.length) {
        const post = await fetch(`${server.baseUrl}/api/v1/ingest`, {
          method: "POST",
          headers: { ...headers(), "content-type": "application/x-ndjson" },
          body: ndjson(more.slice(fed, fed + 25)),
        });
        expect(post.status).toBe(200);
        fed += 25;
      }
      if (cursor === null) break;
    }
    expect(fed).toBeGreaterThan(0);
    expect(seen).toEqual(before);
    // A new first page sees everything, the new events included.
    const all = [...events, ...more.slice(0, fed)];
    const now = await page(text, 1, null);
    expect(now.total).toBe(all.filter((e) => refMatches(q, e)).length);
  });
});
