// Nothing lost to a bad line (docs/INGEST.md): the poison lines (nested 20,000 arrays deep, an
// integer past 2^53, years 1999 and 9999, invalid UTF-8, a line past 64 KiB) are refused
// alone with their line number and reason, kept as received in the organization's
// quarantine, and their neighbours stored, over POST /api/v1/ingest (built server), the CLI,
// the upstream pull and the bucket source; `quarantine retry` stores them after a fix. On
// SQLite and PostgreSQL (where no partition is created outside the plausible window).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { startFakeUpstream, type LoopbackServer } from "../support/http-fakes";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const good = (i: number) => JSON.stringify({ action: "user:login", timestamp: `2026-03-10T0${i}:00:00Z`, actor_email: `q${i}@acme.test` });
const POISON = {
  deep: `{"action":"user:login","timestamp":"2026-03-10T05:00:00Z","x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
  bigInt: '{"action":"run:update","timestamp":"2026-03-10T06:00:00Z","run":{"id":9007199254740993}}',
  past: '{"action":"user:login","timestamp":"1999-12-31T23:59:59+01:00","actor_email":"past@acme.test"}',
  future: '{"action":"user:login","timestamp":"9999-12-31T23:59:59Z","actor_email":"future@acme.test"}',
};
const REASONS = {
  deep: "nesting deeper than 64 levels",
  bigInt: 'field "run": integer beyond 2^53 cannot be kept exactly',
  past: /^field "timestamp": 1999-12-31T22:59:59\.000Z is before the plausible window, which starts at 2015-01-01T00:00:00\.000Z/,
  future: /^field "timestamp": 9999-12-31T23:59:59\.000Z is after the plausible window/,
  utf8: "invalid UTF-8",
  long: "line is longer than 65536 bytes",
};
const INVALID_UTF8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]); // {"a":<ff fe>}
const LONG = `{"action":"user:login","timestamp":"2026-03-10T07:00:00Z","pad":"${"y".repeat(70_000)}"}`;

/** good, deep, good, big integer, 1999, 9999, good, invalid UTF-8: refused lines 2, 4, 5, 6, 8. */
function body(): Buffer {
  const lines: (string | Buffer)[] = [good(1), POISON.deep, good(2), POISON.bigInt, POISON.past, POISON.future, good(3), INVALID_UTF8];
  return Buffer.concat(lines.flatMap((l) => [typeof l === "string" ? Buffer.from(l) : l, Buffer.from("\n")]));
}

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

interface ApiLine {
  id: number;
  source: string;
  origin: string;
  line: number;
  reason: string;
  text: string | null;
  base64?: string;
  bytes: number;
  truncated: boolean;
}
interface ApiAnswer {
  lines: ApiLine[];
  total: number;
  next_cursor: string | null;
  days: { source: string; date: string; kept: number; dropped: number }[];
}

async function storedBodies(databaseUrl: string, org = "default"): Promise<string[]> {
  const store = await openStore(databaseUrl);
  try {
    const rows = await store.db
      .selectFrom("events")
      .innerJoin("organizations", "organizations.id", "events.org_id")
      .select("events.body")
      .where("organizations.slug", "=", org)
      .orderBy("events.seq")
      .execute();
    return rows.map((r) => r.body);
  } finally {
    await store.close();
  }
}

describe(`the quarantine over HTTP on ${testStoreKind()}`, () => {
  let server: RunningServer;
  let databaseUrl: string;
  let auth: Record<string, string>;
  let answer: { accepted: number; duplicates: number; rejected: { line: number; error: string }[]; quarantined: number };

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    auth = basic("root", (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim());
    server = await startServer({ databaseUrl });
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
      method: "POST",
      body: new Uint8Array(body()),
      headers: { ...auth, "Content-Type": "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    answer = (await res.json()) as typeof answer;
  });
  afterAll(async () => server?.stop());

  const get = async (path: string) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers: auth });
    expect(res.status).toBe(200);
    return res;
  };

  it("answers 200: the neighbours stored, each poison line refused alone with its number and reason", async () => {
    expect(answer.accepted).toBe(3);
    expect(answer.quarantined).toBe(5);
    expect(answer.rejected.map((r) => r.line)).toEqual([2, 4, 5, 6, 8]);
    expect(answer.rejected[0]!.error).toBe(REASONS.deep);
    expect(answer.rejected[1]!.error).toBe(REASONS.bigInt);
    expect(answer.rejected[2]!.error).toMatch(REASONS.past);
    expect(answer.rejected[3]!.error).toMatch(REASONS.future);
    expect(answer.rejected[4]!.error).toBe(REASONS.utf8);
    const audit = await (await get("/admin/audit_logs?startDate=2026-03-10")).text();
    expect(
      audit
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { actor_email: string }).actor_email),
    ).toEqual(["q1@acme.test", "q2@acme.test", "q3@acme.test"]);
  });

  it("lists the quarantine as received, with line, source, origin and reason, page by page", async () => {
    const all = (await (await get("/api/v1/quarantine")).json()) as ApiAnswer;
    expect(all.total).toBe(5);
    expect(all.next_cursor).toBeNull();
    expect(all.lines.map((l) => [l.source, l.origin, l.line])).toEqual([2, 4, 5, 6, 8].map((n) => ["api", "root", n]));
    expect(all.lines.slice(0, 4).map((l) => l.text)).toEqual([POISON.deep, POISON.bigInt, POISON.past, POISON.future]);
    expect(all.lines[4]).toMatchObject({
      text: null,
      base64: INVALID_UTF8.toString("base64"),
      bytes: INVALID_UTF8.length,
      truncated: false,
      reason: REASONS.utf8,
    });
    expect(all.days).toEqual([{ source: "api", date: new Date().toISOString().slice(0, 10), kept: 5, dropped: 0 }]);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await get(`/api/v1/quarantine?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json()) as ApiAnswer;
      expect(page.lines.length).toBeLessThanOrEqual(2);
      seen.push(...page.lines.map((l) => l.line));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([2, 4, 5, 6, 8]);
    const bad = await fetch(`${server.baseUrl}/api/v1/quarantine?cursor=x`, { headers: auth });
    expect(bad.status).toBe(400);
    expect((await fetch(`${server.baseUrl}/api/v1/quarantine`)).status).toBe(401);
  });

  it("keeps the quarantined lines out of every number and the chain", async () => {
    const users = (await (await get("/api/v1/users?asOf=2026-03-31")).json()) as { users: { email: string }[] };
    expect(users.users.map((u) => u.email).sort()).toEqual(["q1@acme.test", "q2@acme.test", "q3@acme.test"]);
    const integrity = (await (await get("/api/v1/integrity")).json()) as { ok: boolean; events: number };
    expect(integrity).toMatchObject({ ok: true, events: 3 });
  });

  it.skipIf(testStoreKind() !== "postgres")("creates no partition outside the plausible window", async () => {
    const store = await openStore(databaseUrl);
    try {
      const { rows } = await sql<{ relname: string }>`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass ORDER BY 1`.execute(store.db);
      expect(rows.map((r) => r.relname)).toEqual(["events_2026_03"]);
    } finally {
      await store.close();
    }
  });
});

describe(`the quarantine from the CLI on ${testStoreKind()}`, () => {
  it("ingests the neighbours, lists and exports the refused lines as received, retries them after a fix", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "quarantine-"));
    const file = join(dir, "poison.ndjson");
    writeFileSync(file, Buffer.concat([body(), Buffer.from(`${LONG}\n${good(4)}\n`)]));

    const ingest = await runCli(["ingest", file], { databaseUrl });
    expect(ingest.code).toBe(1);
    expect(ingest.stdout.trim()).toBe("accepted 4, duplicates 0, rejected 6");
    for (const [line, reason] of [
      [2, REASONS.deep],
      [4, REASONS.bigInt],
      [8, REASONS.utf8],
      [9, REASONS.long],
    ] as const)
      expect(ingest.stderr).toContain(`${file}:${line}: ${reason}`);
    expect(ingest.stderr).toContain("orgtrail: 6 rejected lines kept in the quarantine: npx orgtrail quarantine list");

    const list = await runCli(["quarantine", "list"], { databaseUrl });
    expect(list.code).toBe(0);
    const rows = list.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    expect(rows.map((r) => [r[2], r[3]])).toEqual([2, 4, 5, 6, 8, 9].map((n) => ["cli", `${file}:${n}`]));
    expect(rows[0]![4]).toBe(REASONS.deep);
    expect(rows[5]![5]).toBe(`(${LONG.length} bytes, first 65536 kept)`);
    expect(list.stderr).toContain("6 lines in the quarantine of default");

    // The lines exactly as received (the long one's first 64 KiB), one per line.
    const exported = await runCli(["quarantine", "export"], { databaseUrl });
    const expected = Buffer.concat([
      Buffer.from([POISON.deep, POISON.bigInt, POISON.past, POISON.future].map((l) => `${l}\n`).join("")),
      INVALID_UTF8,
      Buffer.from(`\n${LONG.slice(0, 65536)}\n`),
    ]);
    expect(exported.stdoutBytes.equals(expected)).toBe(true);
    const json = await runCli(["quarantine", "export", "--json"], { databaseUrl });
    const records = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ApiLine);
    expect(records.map((r) => r.line)).toEqual([2, 4, 5, 6, 8, 9]);

    // Nothing changed yet: a retry stores nothing and keeps every line.
    const same = await runCli(["quarantine", "retry"], { databaseUrl });
    expect(same.stdout.trim()).toBe("retried 6: stored 0, duplicates 0, still quarantined 6");
    expect(same.code).toBe(1);

    // The fix: the window is widened to 1990; the 1999 line is stored and leaves the quarantine.
    const fixed = await runCli(["quarantine", "retry"], { databaseUrl, env: { ORGTRAIL_EVENTS_NOT_BEFORE: "1990-01-01" } });
    expect(fixed.stdout.trim()).toBe("retried 6: stored 1, duplicates 0, still quarantined 5");
    expect((await storedBodies(databaseUrl)).filter((b) => b.includes("past@acme.test"))).toEqual([
      '{"action":"user:login","actor_email":"past@acme.test","timestamp":"1999-12-31T22:59:59.000Z"}',
    ]);
    const after = await runCli(["quarantine", "list"], { databaseUrl });
    expect(
      after.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t")[3]),
    ).toEqual([2, 4, 6, 8, 9].map((n) => `${file}:${n}`));
    const verify = await runCli(["verify"], { databaseUrl });
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain("default: ok, events 1-5");

    // A line also given again in a later file is a duplicate once stored: the retry drops it.
    const again = join(dir, "again.ndjson");
    writeFileSync(again, `${good(1)}\n`);
    await runCli(["ingest", again], { databaseUrl });
    expect((await runCli(["quarantine", "drop", "--all"], { databaseUrl })).stdout).toBe("dropped 5 lines from the quarantine\n");
    expect((await runCli(["quarantine", "list"], { databaseUrl })).stdout).toBe("");
  }, 120_000);

  it("keeps at most the configured lines per source and day, and counts the rest", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(testTmpRoot(), "quarantine-"));
    const file = join(dir, "flood.ndjson");
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => `{not json ${i}`).join("\n") + `\n${good(1)}\n`);
    const env = { ORGTRAIL_QUARANTINE_MAX_PER_DAY: "2" };
    const r = await runCli(["ingest", file, "--org", "flood"], { databaseUrl, env });
    expect(r.stdout.trim()).toBe("accepted 1, duplicates 0, rejected 5");
    expect(r.stderr).toContain("orgtrail: 2 rejected lines kept in the quarantine (3 more past its bounds, counted only)");
    const r2 = await runCli(["ingest", file, "--org", "flood"], { databaseUrl, env });
    expect(r2.stderr).toContain("orgtrail: 0 rejected lines kept in the quarantine (5 more past its bounds, counted only)");
    const list = await runCli(["quarantine", "list", "--org", "flood"], { databaseUrl });
    expect(list.stdout.trim().split("\n")).toHaveLength(2);
    expect(list.stderr).toContain("cli: 8 more lines refused past the quarantine's bounds (counted, not kept)");
  }, 60_000);
});

describe(`the quarantine of a pull on ${testStoreKind()}`, () => {
  let fake: LoopbackServer;
  afterAll(async () => fake?.close());

  it("records a poison event of an API page and moves on; the checkpoint advances", async () => {
    // One window (2026-03-09..10): a JSON page with the poison lines between good events, pretty-printed.
    const page = `{
  "audit_logs": [
    ${good(1)},
    ${POISON.deep},
    ${POISON.bigInt},
    ${good(2)}
  ],
  "next_cursor": null
}`;
    fake = await startFakeUpstream((_url, _i, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(page);
    });
    const databaseUrl = await createTestDatabaseUrl();
    const pull = (extra: string[] = []) =>
      runCli(["pull", "--url", fake.baseUrl, "--username", "u", "--api-key", "k", ...extra], { databaseUrl, env: { ORGTRAIL_TODAY: "2026-03-10" } });
    const first = await pull(["--since", "2026-03-09"]);
    expect(first.stdout.trim()).toBe("fetched 4, accepted 2, duplicates 0, rejected 2");
    expect(first.code).toBe(1);
    expect(await storedBodies(databaseUrl)).toHaveLength(2);
    const list = await runCli(["quarantine", "list"], { databaseUrl });
    const rows = list.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    expect(rows.map((r) => [r[2], r[3], r[4]])).toEqual([
      ["pull", `${fake.baseUrl}/admin/audit_logs 2026-03-09..2026-03-10 page 1:2`, REASONS.deep],
      ["pull", `${fake.baseUrl}/admin/audit_logs 2026-03-09..2026-03-10 page 1:3`, REASONS.bigInt],
    ]);
    // Kept as the upstream sent it (not re-serialized: the integer is not rounded).
    const exported = await runCli(["quarantine", "export"], { databaseUrl });
    expect(exported.stdout).toBe(`${POISON.deep}\n${POISON.bigInt}\n`);
    // The next pull starts from the checkpoint (today only), not from the poison line.
    fake.requests.length = 0;
    const second = await pull();
    expect(second.stdout.trim()).toBe("fetched 4, accepted 0, duplicates 2, rejected 2");
    expect(fake.requests).toEqual(["/admin/audit_logs?startDate=2026-03-10&numDays=0&limit=10000"]);
  }, 60_000);
});

describe(`the quarantine of a bucket source on ${testStoreKind()}`, () => {
  it("stores the neighbours, quarantines the poison lines once, and moves on to the next object", async () => {
    const dir = mkdtempSync(join(testTmpRoot(), "quarantine-bucket-"));
    const day = join(dir, "wandb-audit-logs", "default", "2026-03-10");
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, "1-4.ndjson"), [good(1), POISON.deep, good(2), POISON.past].join("\n") + "\n");
    writeFileSync(join(day, "5-5.ndjson"), `${good(3)}\n`);
    const databaseUrl = await createTestDatabaseUrl();
    const first = await runCli(["import-bucket", "--from", `file://${dir}`], { databaseUrl });
    expect(first.stdout).toBe("objects 2 (unchanged 0), accepted 3, duplicates 0, rejected 2\n");
    expect(first.code).toBe(1);
    const list = await runCli(["quarantine", "list"], { databaseUrl });
    expect(
      list.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("\t").slice(2, 4)),
    ).toEqual([
      ["bucket", `file://${dir} wandb-audit-logs/default/2026-03-10/1-4.ndjson:2`],
      ["bucket", `file://${dir} wandb-audit-logs/default/2026-03-10/1-4.ndjson:4`],
    ]);
    // Read once: the next run skips the objects and quarantines nothing twice.
    const second = await runCli(["import-bucket", "--from", `file://${dir}`], { databaseUrl });
    expect(second.stdout).toBe("objects 0 (unchanged 2), accepted 0, duplicates 0, rejected 0\n");
    expect((await runCli(["quarantine", "list"], { databaseUrl })).stdout.trim().split("\n")).toHaveLength(2);
    // After the fix (the window widened), the 1999 line is stored.
    const retry = await runCli(["quarantine", "retry"], { databaseUrl, env: { ORGTRAIL_EVENTS_NOT_BEFORE: "1999-01-01" } });
    expect(retry.stdout.trim()).toBe("retried 2: stored 1, duplicates 0, still quarantined 1");
    expect(await storedBodies(databaseUrl)).toHaveLength(4);
  }, 60_000);
});
