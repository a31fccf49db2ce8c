// /admin/audit_logs with limit, endDate, cursor and filters: stable keyset pages, signed cursors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testTmpRoot } from "../support/store";

interface Envelope {
  audit_logs: Record<string, unknown>[];
  range_start_time: string;
  range_end_time: string;
  count: number;
  next_cursor: string | null;
}

/** 240 events over February 2026, 40 of them sharing one timestamp (ties broken by ingest order). */
function events(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const actions = ["user:login", "project:read", "run:update", "artifact:read"];
  for (let i = 0; i < 200; i++) {
    const day = 1 + (i % 28);
    out.push({
      action: actions[i % actions.length],
      timestamp: `2026-02-${String(day).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00Z`,
      actor_email: i % 5 === 0 ? `Ann@Acme.test` : `u${i % 7}@acme.test`,
      actor_user_id: `id-${i % 7}`,
      actor_ip: "192.0.2.1",
    });
  }
  for (let i = 0; i < 40; i++) out.push({ action: "run:update", timestamp: "2026-02-10T12:00:00Z", actor_email: `tie${i}@acme.test`, actor_user_id: i });
  return out;
}

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

describe("GET /admin/audit_logs pages", () => {
  let server: RunningServer;
  let key: string;
  const get = (query: string) => fetch(`${server.baseUrl}/admin/audit_logs?${query}`, { headers: basic("root", key) });
  const ndjson = async (query: string) => (await (await get(query)).text()).split("\n").filter(Boolean);

  /** Every page of a paged request, following next_cursor. */
  async function allPages(query: string): Promise<{ lines: string[]; pages: Envelope[] }> {
    const pages: Envelope[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 500; i++) {
      const res = await get(query + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      const page = (await res.json()) as Envelope;
      pages.push(page);
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    return { lines: pages.flatMap((p) => p.audit_logs.map((e) => JSON.stringify(e))), pages };
  }

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const file = join(mkdtempSync(join(testTmpRoot(), "paging-")), "events.ndjson");
    writeFileSync(
      file,
      events()
        .map((e) => JSON.stringify(e))
        .join("\n") + "\n",
    );
    key = (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim();
    expect((await runCli(["ingest", file], { databaseUrl })).code).toBe(0);
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TODAY: "2026-02-28" } });
  });
  afterAll(async () => server?.stop());

  it("pages through a window without skipping or repeating, across equal timestamps", async () => {
    const whole = await ndjson("startDate=2026-02-28&numDays=27");
    expect(whole).toHaveLength(240);
    const { lines, pages } = await allPages("startDate=2026-02-28&numDays=27&limit=7");
    expect(lines).toEqual(whole);
    expect(pages).toHaveLength(Math.ceil(240 / 7));
    expect(pages.slice(0, -1).every((p) => p.count === 7)).toBe(true);
    expect(pages.at(-1)!.count).toBe(240 % 7);
    expect(pages.every((p) => p.range_start_time === "2026-02-01T00:00:00.000Z" && p.range_end_time === "2026-03-01T00:00:00.000Z")).toBe(true);
  });

  it("a page that ends exactly at the last event has no next cursor", async () => {
    const { pages } = await allPages("startDate=2026-02-28&numDays=27&limit=40");
    expect(pages).toHaveLength(6);
    expect(pages.at(-1)!.next_cursor).toBeNull();
  });

  it("endDate is exclusive and returns the envelope", async () => {
    const res = await get("startDate=2026-02-10&endDate=2026-02-11");
    const page = (await res.json()) as Envelope;
    expect(page.range_start_time).toBe("2026-02-10T00:00:00.000Z");
    expect(page.range_end_time).toBe("2026-02-11T00:00:00.000Z");
    expect(page.audit_logs.map((e) => JSON.stringify(e))).toEqual(await ndjson("startDate=2026-02-10"));
    const instant = (await (await get("endDate=2026-02-10T12:00:00Z")).json()) as Envelope;
    expect(instant.audit_logs.every((e) => (e.timestamp as string) < "2026-02-10T12:00:00.000Z")).toBe(true);
    expect(instant.count).toBeGreaterThan(0);
  });

  it("filters by action and actor, in NDJSON and in pages", async () => {
    const all = (await ndjson("startDate=2026-02-28&numDays=27")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const logins = await ndjson("startDate=2026-02-28&numDays=27&action=user:login");
    expect(logins).toEqual(all.filter((e) => e.action === "user:login").map((e) => JSON.stringify(e)));
    const two = await ndjson("startDate=2026-02-28&numDays=27&action=user:login,artifact:read");
    expect(two).toHaveLength(all.filter((e) => e.action === "user:login" || e.action === "artifact:read").length);
    const ann = await ndjson("startDate=2026-02-28&numDays=27&actor_email=ANN@acme.TEST");
    expect(ann.length).toBe(all.filter((e) => e.actor_email === "Ann@Acme.test").length);
    expect(ann.length).toBeGreaterThan(0);
    const numericId = await ndjson("startDate=2026-02-28&numDays=27&actor_user_id=3");
    expect(numericId).toHaveLength(1);
    const both = await allPages("startDate=2026-02-28&numDays=27&actor_user_id=id-2&action=run:update&limit=3");
    expect(both.lines).toEqual(all.filter((e) => e.actor_user_id === "id-2" && e.action === "run:update").map((e) => JSON.stringify(e)));
  });

  it("refuses a cursor used with another range, anonymize value or filters, and an altered one", async () => {
    const first = (await (await get("startDate=2026-02-28&numDays=27&limit=5")).json()) as Envelope;
    const cursor = encodeURIComponent(first.next_cursor!);
    const cases: [string, RegExp][] = [
      [`startDate=2026-02-28&numDays=26&limit=5&cursor=${cursor}`, /issued for the range/],
      [`startDate=2026-02-28&numDays=27&limit=5&anonymize=true&cursor=${cursor}`, /anonymize=false/],
      [`startDate=2026-02-28&numDays=27&limit=5&action=user:login&cursor=${cursor}`, /other filters/],
      [`startDate=2026-02-28&numDays=27&limit=5&cursor=${cursor.slice(0, -2)}AA`, /altered/],
    ];
    for (const [query, message] of cases) {
      const res = await get(query);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message).toMatch(message);
    }
    // A different limit on the next page is fine.
    const next = await get(`startDate=2026-02-28&numDays=27&limit=9&cursor=${cursor}`);
    expect(next.status).toBe(200);
  });

  it("anonymizes pages", async () => {
    const page = (await (await get("startDate=2026-02-28&numDays=27&limit=3&anonymize=true")).json()) as Envelope;
    expect(page.audit_logs.every((e) => e.actor_email === undefined && e.actor_ip === undefined)).toBe(true);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=20001", "limit"],
    ["endDate=2026-13-01", "endDate"],
    ["startDate=2026-02-10&endDate=2026-02-01", "endDate"],
    ["startDate=2026-02-01&endDate=2026-02-10&numDays=3", "numDays"],
    ["cursor=%%%", "cursor"],
    ["action=", "action"],
    ["actor_email=", "actor_email"],
  ])("400s on %s naming %s", async (query, param) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(new RegExp(`^invalid ${param}\\b`));
  });
});
