// What one ingest leaves in the store: identities, the user_day rollup, lifecycle rows,
// contiguous sequences. Runs on SQLite (prepared-statement path) and PostgreSQL (Kysely path).
import { createReadStream } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createTestDatabaseUrl } from "../support/store";

const EVENTS = new URL("../fixtures/small-org/events.ndjson", import.meta.url).pathname;
const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();

describe("ingest into the store", () => {
  let store: Store;
  let orgId: number;

  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db);
  });
  afterAll(async () => store?.close());

  it("resolves identities by id, then case-insensitive email", async () => {
    const s = await ingestNdjson(store, orgId, createReadStream(EVENTS), { deployment: "self-managed", batchSize: 4 });
    expect([s.accepted, s.duplicates, s.rejectedTotal]).toEqual([11, 0, 0]);
    const users = await store.db.selectFrom("users").select(["id", "external_id", "email", "first_seen_at", "first_invited_at"]).orderBy("id").execute();
    expect(users.map((u) => [u.email, u.external_id])).toEqual([
      ["root@acme.test", null],
      ["ana@acme.test", "U1"],
      ["bo@acme.test", null],
      ["cy@acme.test", null],
      ["di@acme.test", null],
      ["eve@acme.test", null],
      ["fox@acme.test", null],
    ]);
    const ana = users[1]!;
    expect(Number(ana.first_seen_at)).toBe(Date.parse("2025-06-01T09:00:00Z"));
    expect(Number(ana.first_invited_at)).toBe(Date.parse("2025-06-01T09:00:00Z"));
    const di = users[4]!;
    expect(Number(di.first_invited_at)).toBe(Date.parse("2026-01-10T12:00:00Z"));
  });

  it("rolls up active events per user and UTC day (failed attempts excluded)", async () => {
    const rows = await store.db
      .selectFrom("user_day")
      .innerJoin("users", "users.id", "user_day.user_id")
      .select(["users.email", "user_day.day", "user_day.events", "user_day.last_ts"])
      .orderBy("users.email")
      .orderBy("user_day.day")
      .execute();
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    expect(rows.map((r) => [r.email, Number(r.day), Number(r.events)])).toEqual([
      ["ana@acme.test", day("2026-03-29"), 1],
      ["ana@acme.test", day("2026-03-31"), 1], // 23:30-02:00 is the next UTC day
      ["bo@acme.test", day("2025-09-30"), 1], // the 401 login is not activity
      ["cy@acme.test", day("2025-09-29"), 1],
      ["eve@acme.test", day("2026-02-02"), 1],
      ["fox@acme.test", day("2026-03-25"), 1],
      ["root@acme.test", day("2025-06-01"), 1],
      ["root@acme.test", day("2026-01-10"), 1],
      ["root@acme.test", day("2026-03-01"), 1],
      ["root@acme.test", day("2026-03-26"), 1],
    ]);
    expect(Number(rows[1]!.last_ts)).toBe(Date.parse("2026-03-31T01:30:00Z"));
  });

  it("records lifecycle events aimed at users", async () => {
    const rows = await store.db
      .selectFrom("user_lifecycle")
      .innerJoin("users", "users.id", "user_lifecycle.user_id")
      .select(["users.email", "user_lifecycle.action", "user_lifecycle.entity_name"])
      .orderBy("user_lifecycle.seq")
      .execute();
    expect(rows.map((r) => [r.email, r.action, r.entity_name])).toEqual([
      ["ana@acme.test", "user:create", null],
      ["di@acme.test", "team:invite_user", "vision"],
      ["eve@acme.test", "user:deactivate", null],
      ["fox@acme.test", "user:delete", null],
    ]);
  });

  it("stores re-ingested data once and keeps sequences contiguous", async () => {
    const again = await ingestNdjson(store, orgId, createReadStream(EVENTS), { deployment: "self-managed" });
    expect([again.accepted, again.duplicates]).toEqual([0, 11]);
    const more = await ingestNdjson(
      store,
      orgId,
      bytes(
        '{"action":"user:login","timestamp":"2026-04-01T00:00:00Z","actor_user_id":"U1"}\n{"action":"user:login","timestamp":"2026-04-01T00:00:00Z","actor_user_id":"U1"}\n',
      ),
      { deployment: "self-managed" },
    );
    expect([more.accepted, more.duplicates]).toEqual([1, 1]);
    const seqs = await store.db.selectFrom("events").select("seq").where("org_id", "=", orgId).orderBy("seq").execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const org = await store.db.selectFrom("organizations").select("last_seq").where("id", "=", orgId).executeTakeFirstOrThrow();
    expect(Number(org.last_seq)).toBe(12);
  });

  it("commits a batch once its events hold batchChars characters, whatever batchSize allows", async () => {
    const org = await ensureOrg(store.db, "big-lines");
    // 10 events of ~10,000 characters each, 25,000 characters per batch: 3 events per commit.
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ action: "run:update", timestamp: `2026-05-01T00:00:0${i}Z`, actor_email: "big@x.test", note: "n".repeat(10_000) }),
    );
    const commits: number[] = [];
    const s = await ingestNdjson(store, org, bytes(lines.join("\n")), {
      deployment: "self-managed",
      batchSize: 1000,
      batchChars: 25_000,
      onProgress: (p) => commits.push(p.accepted),
    });
    expect(s.accepted).toBe(10);
    expect(commits).toEqual([3, 6, 9, 10]);
  });

  it("learns an email for a user first seen by id only", async () => {
    await ingestNdjson(
      store,
      orgId,
      bytes(
        '{"action":"run:update","timestamp":"2026-04-02T00:00:00Z","actor_user_id":"U9"}\n{"action":"run:update","timestamp":"2026-04-02T01:00:00Z","actor_user_id":"U9","actor_email":"Nine@Acme.test"}\n{"action":"run:update","timestamp":"2026-04-02T02:00:00Z","actor_email":"nine@acme.test"}\n',
      ),
      { deployment: "self-managed" },
    );
    const nine = await store.db.selectFrom("users").select(["id", "email", "email_key"]).where("external_id", "=", "U9").execute();
    expect(nine).toHaveLength(1);
    expect(nine[0]!.email_key).toBe("nine@acme.test");
    const days = await store.db.selectFrom("user_day").select("events").where("user_id", "=", nine[0]!.id).execute();
    expect(days.map((d) => Number(d.events))).toEqual([3]);
  });

  it("refuses to update or delete stored events", async () => {
    await expect(store.db.updateTable("events").set({ action: "x" }).where("seq", "=", 1).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom("events").where("seq", "=", 1).execute()).rejects.toThrow(/append-only/);
  });

  it("skips report:read in multi-tenant mode and counts it", async () => {
    const s = await ingestNdjson(store, orgId, bytes('{"action":"report:read","timestamp":"2026-04-03T00:00:00Z","actor_email":"a@x"}\n'), {
      deployment: "multi-tenant",
    });
    expect([s.accepted, s.skipped]).toEqual([0, 1]);
  });
});
