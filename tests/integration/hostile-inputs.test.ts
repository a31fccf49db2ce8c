// Hostile inputs end to end (docs/SECURITY.md "Hostile inputs"): each case ingested through
// POST /api/v1/ingest of the built server (and the store API for prototype pollution), with
// its defined answer checked on the way back out (/admin/audit_logs, /api/v1/users, the CSV).
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const DAY = "2026-03-10";
const BIG = "12345678901234567890123";
const U2028 = "\u2028";

/** The input lines, as raw text (some are not what JSON.stringify would write). */
const LINES: { text: string; expect: "accepted" | RegExp }[] = [
  // 1-2: __proto__ and constructor keys, top level and nested in an unknown key: kept as data.
  {
    text: `{"action":"user:login","timestamp":"${DAY}T01:00:00Z","actor_email":"proto@hostile.test","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`,
    expect: "accepted",
  },
  {
    text: `{"action":"user:login","timestamp":"${DAY}T02:00:00Z","actor_email":"nested@hostile.test","meta":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}`,
    expect: "accepted",
  },
  // 3: inside a known field, which must be a string: refused, by line number.
  {
    text: `{"action":"user:login","timestamp":"${DAY}T03:00:00Z","entity_name":{"__proto__":{"polluted":"yes"}}}`,
    expect: /^field "entity_name" must be a string$/,
  },
  // 4: identities literally named like Object.prototype members.
  {
    text: `{"action":"user:login","timestamp":"${DAY}T04:00:00Z","actor_email":"__proto__","actor_user_id":"constructor","entity_name":"hasOwnProperty"}`,
    expect: "accepted",
  },
  // 5: a duplicate key: JSON's last-one-wins (lib/ingest parses with JSON.parse), as stored.
  { text: `{"action":"user:login","timestamp":"${DAY}T05:00:00Z","actor_email":"first@hostile.test","actor_email":"last@hostile.test"}`, expect: "accepted" },
  // 6-7: integers past 2^53, in a schema field and an unknown key: refused (cannot be kept exactly).
  {
    text: `{"action":"run:update","timestamp":"${DAY}T06:00:00Z","actor_user_id":${BIG}}`,
    expect: /^field "actor_user_id": integer beyond 2\^53 cannot be kept exactly$/,
  },
  {
    text: `{"action":"run:update","timestamp":"${DAY}T07:00:00Z","run":{"id":9007199254740993}}`,
    expect: /^field "run": integer beyond 2\^53 cannot be kept exactly$/,
  },
  // 8: 2^53 - 1 is exact: kept.
  { text: `{"action":"run:update","timestamp":"${DAY}T08:00:00Z","actor_email":"max@hostile.test","entity_asset":9007199254740991}`, expect: "accepted" },
  // 9-10: far future and before 2015: outside the plausible window, refused and quarantined (docs/INGEST.md).
  {
    text: `{"action":"user:login","timestamp":"2999-12-31T23:59:59.999Z","actor_email":"future@hostile.test"}`,
    expect: /^field "timestamp": 2999-12-31T23:59:59\.999Z is after the plausible window/,
  },
  {
    text: `{"action":"user:login","timestamp":"1999-12-31T23:59:59+01:00","actor_email":"past@hostile.test"}`,
    expect: /^field "timestamp": 1999-12-31T22:59:59\.000Z is before the plausible window/,
  },
  // 11: control characters, \n, ANSI escapes, U+2028/U+2029 (raw: legal inside a JSON string) and markup.
  {
    text: `{"action":"user:login","timestamp":"${DAY}T09:00:00Z","actor_email":"ctl\\u001b[31m@hostile.test","entity_name":"a\\nb\\rc\\u0000d${U2028}e\u2029f\\u0007","project_name":"<img src=x onerror=alert(1)>","actor_ip":"\\u001b]8;;http://evil.test\\u0007link\\u001b]8;;\\u0007"}`,
    expect: "accepted",
  },
  // 12: a raw control character inside a string is not JSON: refused.
  { text: `{"action":"user:login","timestamp":"${DAY}T10:00:00Z","actor_email":"raw\u0001@hostile.test"}`, expect: /JSON|control|Bad control/i },
  // 13-14: spreadsheet formulas in identities (the users CSV neutralizes them).
  { text: `{"action":"user:login","timestamp":"${DAY}T11:00:00Z","actor_email":"=HYPERLINK(\\"http://evil.test\\")@hostile.test"}`, expect: "accepted" },
  { text: `{"action":"user:login","timestamp":"${DAY}T12:00:00Z","actor_email":"two\\n=1+1@hostile.test"}`, expect: "accepted" },
  // 15-16: nested 20,000 arrays deep (used to fail the whole request with a 500), then a good line.
  { text: `{"action":"user:login","timestamp":"${DAY}T13:00:00Z","x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`, expect: /^nesting deeper than 64 levels$/ },
  { text: `{"action":"user:login","timestamp":"${DAY}T14:00:00Z","actor_email":"after-deep@hostile.test"}`, expect: "accepted" },
];

const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

describe(`hostile inputs end to end on ${testStoreKind()}`, () => {
  let server: RunningServer;
  let databaseUrl: string;
  let auth: Record<string, string>;
  let ingestAnswer: { accepted: number; duplicates: number; rejected: { line: number; error: string }[] };

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    auth = basic("root", (await runCli(["admin", "create", "root"], { databaseUrl })).stdout.trim());
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TODAY: "2026-03-31", ORGTRAIL_SECRET_KEY: Buffer.alloc(32, 3).toString("base64") } });
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
      method: "POST",
      body: LINES.map((l) => l.text).join("\n") + "\n",
      headers: { ...auth, "Content-Type": "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    ingestAnswer = (await res.json()) as typeof ingestAnswer;
  });
  afterAll(async () => server?.stop());

  const get = (path: string) => fetch(`${server.baseUrl}${path}`, { headers: auth });
  const auditText = async (query: string) => {
    const res = await get(`/admin/audit_logs?${query}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** One event per line: splitting on any line terminator a reader may use gives the same lines, each JSON. */
  const oneEventPerLine = (text: string): Record<string, unknown>[] => {
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(text.slice(0, -1).split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)).toEqual(lines);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it("answers each line as defined: accepted, or refused with its line number and reason", () => {
    const refused = LINES.flatMap((l, i) => (l.expect === "accepted" ? [] : [{ line: i + 1, pattern: l.expect }]));
    expect(ingestAnswer.rejected.map((r) => r.line)).toEqual(refused.map((r) => r.line));
    ingestAnswer.rejected.forEach((r, i) => expect(r.error).toMatch(refused[i]!.pattern));
    expect(ingestAnswer.accepted).toBe(LINES.length - refused.length);
  });

  it("__proto__ and constructor keys are stored as data, byte-faithfully, never as a prototype", async () => {
    const store = await openStore(databaseUrl);
    try {
      const rows = await store.db.selectFrom("events").select(["body", "extra"]).where("body", "like", "%proto@hostile.test%").execute();
      expect(rows).toEqual([
        {
          body: `{"action":"user:login","actor_email":"proto@hostile.test","timestamp":"${DAY}T01:00:00.000Z"}`,
          extra: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
        },
      ]);
      const nested = await store.db.selectFrom("events").select("extra").where("body", "like", "%nested@hostile.test%").executeTakeFirstOrThrow();
      expect(nested.extra).toBe('{"meta":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}');
    } finally {
      await store.close();
    }
    // Unknown keys are never exported as schema keys.
    const events = oneEventPerLine(await auditText(`startDate=${DAY}`));
    for (const e of events) {
      expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
      expect(Object.keys(e)).not.toContain("__proto__");
      expect(Object.keys(e)).not.toContain("meta");
    }
  });

  it("the store API ingests the same lines without polluting any prototype", async () => {
    const store = await openStore(await createTestDatabaseUrl());
    try {
      const orgId = await ensureOrg(store.db);
      const text = LINES.map((l) => l.text).join("\n") + "\n";
      const chunks = (async function* () {
        yield new TextEncoder().encode(text);
      })();
      const summary = await ingestNdjson(store, orgId, chunks, { deployment: "self-managed" });
      expect(summary.accepted).toBe(ingestAnswer.accepted);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
      expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("identities named __proto__ or constructor are ordinary users", async () => {
    const res = await get("/api/v1/users?asOf=2026-03-31");
    expect(res.status).toBe(200);
    const users = ((await res.json()) as { users: { email: string | null }[] }).users;
    expect(users.map((u) => u.email)).toEqual(expect.arrayContaining(["__proto__", "last@hostile.test", "proto@hostile.test"]));
    expect(users.map((u) => u.email)).not.toContain("first@hostile.test");
  });

  it("a duplicate key keeps its last value, as stored and exported", async () => {
    const events = oneEventPerLine(await auditText(`startDate=${DAY}`));
    const dup = events.find((e) => e.timestamp === `${DAY}T05:00:00.000Z`)!;
    expect(dup.actor_email).toBe("last@hostile.test");
  });

  it("timestamps in 2999 and 1999 are not stored but quarantined as received; the line after a 20,000-deep one is stored", async () => {
    expect(await auditText("startDate=2999-12-31")).toBe("");
    expect(await auditText("startDate=1999-12-31")).toBe("");
    expect(await auditText(`startDate=2026-03-31&numDays=30`)).not.toMatch(/future@|past@/);
    expect(await auditText(`startDate=${DAY}`)).toContain("after-deep@hostile.test");
    const quarantine = (await (await get("/api/v1/quarantine")).json()) as { lines: { line: number; text: string }[] };
    const refused = LINES.flatMap((l, i) => (l.expect === "accepted" ? [] : [{ line: i + 1, text: l.text }]));
    expect(quarantine.lines.map((l) => ({ line: l.line, text: l.text }))).toEqual(refused);
  });

  it("control characters, newlines, U+2028 and ANSI escapes are stored escaped: one event per line, values intact", async () => {
    const store = await openStore(databaseUrl);
    try {
      const row = await store.db
        .selectFrom("events")
        .select("body")
        .where("ts", "=", Date.parse(`${DAY}T09:00:00Z`))
        .executeTakeFirstOrThrow();
      expect(row.body).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
      expect(row.body).toContain('"entity_name":"a\\nb\\rc\\u0000d\\u2028e\\u2029f\\u0007"');
      expect(row.body).toContain('"actor_email":"ctl\\u001b[31m@hostile.test"');
    } finally {
      await store.close();
    }
    for (const anonymize of ["false", "true", "hash"]) {
      const events = oneEventPerLine(await auditText(`startDate=${DAY}&anonymize=${anonymize}`));
      expect(events).toHaveLength(LINES.filter((l) => l.expect === "accepted").length);
      const ctl = events.find((e) => e.timestamp === `${DAY}T09:00:00.000Z`)!;
      if (anonymize === "false") {
        expect(ctl).toMatchObject({
          actor_email: "ctl\u001b[31m@hostile.test",
          entity_name: "a\nb\rc\u0000d\u2028e\u2029f\u0007",
          project_name: "<img src=x onerror=alert(1)>",
          actor_ip: "\u001b]8;;http://evil.test\u0007link\u001b]8;;\u0007",
        });
      }
    }
    // The JSON page form too.
    const page = await get(`/admin/audit_logs?startDate=${DAY}&limit=100`);
    const text = await page.text();
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
  });

  it("integers up to 2^53 - 1 come back with every digit, in every anonymize mode", async () => {
    for (const anonymize of ["false", "true", "hash"]) {
      const text = await auditText(`startDate=${DAY}&anonymize=${anonymize}`);
      expect(text).toContain('"entity_asset":9007199254740991');
    }
  });

  it("the users CSV neutralizes formulas, on every line of a multi-line cell", async () => {
    const res = await get("/api/v1/users/export.csv?asOf=2026-03-31");
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"")@hostile.test"`);
    expect(csv).toContain(`"two\n'=1+1@hostile.test"`);
    expect(csv).not.toMatch(/(^|,|\n)"=/);
  });

  describe("a stored line with an integer past 2^53 (written by another tool or an older version)", () => {
    // Ingest refuses such integers (above); anonymize must still never round what is stored.
    const body = `{"action":"run:update","actor_email":"Big@Hostile.test","actor_user_id":${BIG},"cli_version":"0.19.1","entity_asset":-${BIG}.5e-3,"timestamp":"2026-03-11T10:00:00.000Z"}`;
    beforeAll(async () => {
      const anchor = await fetch(`${server.baseUrl}/api/v1/ingest`, {
        method: "POST",
        body: `{"action":"user:login","timestamp":"2026-03-11T09:00:00Z","actor_email":"big@hostile.test"}\n`,
        headers: { ...auth, "Content-Type": "application/x-ndjson" },
      });
      expect(anchor.status).toBe(200);
      const store = await openStore(databaseUrl);
      try {
        const last = await store.db.selectFrom("events").select(["org_id", "seq", "chain"]).orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow();
        await store.db
          .insertInto("events")
          .values({
            org_id: last.org_id,
            seq: Number(last.seq) + 1,
            ts: Date.parse("2026-03-11T10:00:00Z"),
            action: "run:update",
            actor_id: null,
            target_id: null,
            response_code: null,
            dedupe_key: createHash("sha256").update(body).digest("hex"),
            body,
            extra: null,
            ingested_at: Date.now(),
            chain: createHash("sha256")
              .update(last.chain + body)
              .digest("hex"),
          })
          .execute();
      } finally {
        await store.close();
      }
    });

    it("comes back digit for digit with anonymize=false, true and hash", async () => {
      const plain = await auditText("startDate=2026-03-11");
      expect(plain.split("\n")[1]).toBe(body);
      const removed = await auditText("startDate=2026-03-11&anonymize=true");
      expect(removed.split("\n")[1]).toBe(
        `{"action":"run:update","actor_user_id":${BIG},"cli_version":"0.19.1","entity_asset":-${BIG}.5e-3,"timestamp":"2026-03-11T10:00:00.000Z"}`,
      );
      const hashed = (await auditText("startDate=2026-03-11&anonymize=hash")).split("\n");
      expect(hashed[1]).toMatch(
        new RegExp(
          `^\\{"action":"run:update","actor_email":"hmac-sha256:[0-9a-f]{64}","actor_user_id":${BIG},"cli_version":"0\\.19\\.1","entity_asset":-${BIG}\\.5e-3,"timestamp":"2026-03-11T10:00:00\\.000Z"\\}$`,
        ),
      );
      // The e-mail is compared case-insensitively: the same pseudonym as the anchor's lower-case one.
      expect((JSON.parse(hashed[0]!) as { actor_email: string }).actor_email).toBe(/"actor_email":"([^"]+)"/.exec(hashed[1]!)![1]);
      // The JSON page form is lossless too.
      const page = await (await get("/admin/audit_logs?startDate=2026-03-11&anonymize=hash&limit=10")).text();
      expect(page).toContain(`"actor_user_id":${BIG},"cli_version":"0.19.1","entity_asset":-${BIG}.5e-3`);
    });
  });
});
