// PostgreSQL only: the server's login role, a member of orgtrail_app, cannot UPDATE, DELETE or
// TRUNCATE events even with the append-only trigger dropped; it purges only through the
// SECURITY DEFINER function, which enforces the six-year floor with the database's clock.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createCheckpoint } from "@/lib/trust/checkpoint";
import { purgeExpired } from "@/lib/trust/purge";
import { verifyOrg } from "@/lib/trust/verify";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const saved = { ...process.env };
const lines = (n: number, startMs: number, tag: string) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ action: "user:login", timestamp: new Date(startMs + i * 60_000).toISOString(), actor_email: `${tag}${i}@acme.test` }),
  ).join("\n") + "\n";
const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();

describe.skipIf(testStoreKind() !== "postgres")("PostgreSQL application role", () => {
  let owner: Store;
  let app: Store;
  let orgId: number;

  beforeAll(async () => {
    process.env.ORGTRAIL_SIGNING_KEY_FILE = join(testTmpRoot(), `signing-${randomBytes(4).toString("hex")}.key`);
    resetEnvCache();
    const url = await createTestDatabaseUrl();
    owner = await openStore(url); // migrations run as the owner
    const login = `orgtrail_t_${randomBytes(4).toString("hex")}`;
    await sql`CREATE ROLE ${sql.id(login)} LOGIN IN ROLE orgtrail_app`.execute(owner.db);
    const appUrl = new URL(url);
    appUrl.username = login;
    app = await openStore(appUrl.toString()); // the server: migrations are up to date, nothing to create
    orgId = await ensureOrg(app.db);
  });
  afterAll(async () => {
    await app?.close();
    await owner?.close();
    process.env = saved;
    resetEnvCache();
  });

  it("ingests, checkpoints and verifies as the application role", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2016-01-01T00:00:00Z"));
    await ingestNdjson(app, orgId, bytes(lines(6, Date.parse("2015-05-01T00:00:00Z"), "old")), { deployment: "self-managed" });
    vi.useRealTimers();
    const s = await ingestNdjson(app, orgId, bytes(lines(4, Date.now() - 86_400_000, "new")), { deployment: "self-managed" });
    expect(s.accepted).toBe(4);
    await createCheckpoint(app, orgId);
    expect(await verifyOrg(app, orgId)).toMatchObject({ ok: true, events: 10 });
  });

  it("cannot own, change or empty a monthly partition, even one its own ingest created", async () => {
    // A month no partition existed for: the app role's ingest creates it, through the SECURITY
    // DEFINER function, so the schema owner owns it (an owner could DELETE and TRUNCATE).
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'events_2015_03'`.execute(owner.db);
    expect(before.rows[0]!.n).toBe(0);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2015-04-01T00:00:00Z"));
    const other = await ensureOrg(app.db, "partitions"); // the other tests count this org's events
    const s = await ingestNdjson(app, other, bytes(lines(2, Date.parse("2015-03-10T00:00:00Z"), "mar")), { deployment: "self-managed" });
    vi.useRealTimers();
    expect(s.accepted).toBe(2);
    const part = await sql<{ owner: string }>`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'events_2015_03'`.execute(owner.db);
    const ownerRole = await sql<{ me: string }>`SELECT current_user AS me`.execute(owner.db);
    expect(part.rows[0]!.owner).toBe(ownerRole.rows[0]!.me);
    for (const table of ["events_2015_03", "events_2015_05"]) {
      await expect(sql`UPDATE ${sql.id(table)} SET body = 'x'`.execute(app.db)).rejects.toThrow(/permission denied/);
      await expect(sql`DELETE FROM ${sql.id(table)}`.execute(app.db)).rejects.toThrow(/permission denied/);
      await expect(sql`TRUNCATE ${sql.id(table)}`.execute(app.db)).rejects.toThrow(/permission denied/);
      // The owner too is stopped by the triggers: the parent's row trigger is cloned onto each
      // partition, and each partition has its own TRUNCATE trigger.
      await expect(sql`DELETE FROM ${sql.id(table)}`.execute(owner.db)).rejects.toThrow(/append-only/);
      await expect(sql`TRUNCATE ${sql.id(table)}`.execute(owner.db)).rejects.toThrow(/append-only/);
    }
    // Nor can it make a partition of its own (it would own that one).
    await expect(sql`CREATE TABLE events_mine PARTITION OF events FOR VALUES FROM (0) TO (1)`.execute(app.db)).rejects.toThrow(
      /permission denied|must be owner/,
    );
  });

  it("is refused UPDATE, DELETE and TRUNCATE of events even with the trigger dropped", async () => {
    await sql`DROP TRIGGER events_append_only ON events`.execute(owner.db);
    await sql`DROP TRIGGER events_no_truncate ON events`.execute(owner.db);
    await expect(sql`UPDATE events SET body = 'x' WHERE seq = 1`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM events WHERE seq = 10`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`TRUNCATE events`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM checkpoints`.execute(app.db)).rejects.toThrow(/permission denied/);
    // A partition, addressed directly, is no way around it.
    await expect(sql`UPDATE events_2015_05 SET body = 'x'`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM events_2015_05`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`TRUNCATE events_2015_05`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`UPDATE event_purges SET count = 0`.execute(app.db)).rejects.toThrow(/permission denied/);
    // The owner, with the trigger gone, could: that is the DBA row of docs/SECURITY.md.
    expect(await app.db.selectFrom("events").select("seq").where("org_id", "=", orgId).execute()).toHaveLength(10);
  });

  it("purges only through the function, which re-checks the floor and the record", async () => {
    const call = (upTo: number, count: number, days: number) =>
      sql`SELECT orgtrail_purge_events(${orgId}::integer, ${upTo}::bigint, ${"0".repeat(64)}, ${count}::bigint, ${Date.now()}::bigint, 'k', 's', ${days}::integer)`.execute(
        app.db,
      );
    await expect(call(6, 6, 365)).rejects.toThrow(/at least 2192 days/);
    await expect(call(8, 8, 2192)).rejects.toThrow(/within the retention period/);
    await expect(call(6, 6, 2192)).rejects.toThrow(/chain head/);
    const r = await purgeExpired(app, orgId, { retentionDays: 2192 });
    expect([r.fromSeq, r.upToSeq, r.count]).toEqual([1, 6, 6]);
    expect((await app.db.selectFrom("events").select("seq").where("org_id", "=", orgId).orderBy("seq").execute()).map((e) => Number(e.seq))).toEqual([
      7, 8, 9, 10,
    ]);
    expect(await verifyOrg(app, orgId)).toMatchObject({ ok: true, fromSeq: 7, lastSeq: 10, purges: 1 });
  });
});
