// Tamper evidence and retention (docs/SECURITY.md) on the configured store (SQLite, or
// PostgreSQL with ORGTRAIL_TEST_STORE=postgres): every tampering is done directly in the
// database (triggers dropped first, then raw SQL) and verification must name the first bad
// sequence number; forged checkpoints and purge records are reported as such.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { sql } from "kysely";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { GENESIS_CHAIN, eventLeaf, nextChain } from "@/lib/trust/chain";
import { checkpointMessage, checkpointToJson, createCheckpoint, parseCheckpointJson, type Checkpoint } from "@/lib/trust/checkpoint";
import { purgeExpired } from "@/lib/trust/purge";
import { keyIdOf, loadSigningKey } from "@/lib/trust/signing-key";
import { verifyOrg } from "@/lib/trust/verify";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const kind = testStoreKind();
const saved = { ...process.env };
const stores: Store[] = [];

function eventLines(n: number, startMs: number, tag = "e"): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const e: Record<string, unknown> = {
      action: i % 3 === 0 ? "user:login" : "run:update",
      timestamp: new Date(startMs + i * 3_600_000).toISOString(),
      actor_email: `u${i % 4}@acme.test`,
      response_code: 200,
      project_name: `${tag}-${i}`,
    };
    if (i % 5 === 2) e.custom_field = { note: `extra ${tag} ${i}`, n: i };
    lines.push(JSON.stringify(e));
  }
  return lines.join("\n") + "\n";
}

const bytes = (s: string) =>
  (async function* () {
    yield new TextEncoder().encode(s);
  })();

async function ingest(store: Store, orgId: number, text: string, batchSize = 7) {
  return ingestNdjson(store, orgId, bytes(text), { deployment: "self-managed", batchSize });
}

async function freshStore(): Promise<Store> {
  const store = await openStore(await createTestDatabaseUrl());
  stores.push(store);
  return store;
}

/** 30 events, checkpoints over 1-15 and 16-30. */
async function seeded(): Promise<{ store: Store; orgId: number }> {
  const store = await freshStore();
  const orgId = await ensureOrg(store.db);
  await ingest(store, orgId, eventLines(15, Date.parse("2026-01-01T00:00:00Z")));
  await createCheckpoint(store, orgId);
  await ingest(store, orgId, eventLines(15, Date.parse("2026-02-01T00:00:00Z"), "f"));
  await createCheckpoint(store, orgId);
  return { store, orgId };
}

async function dropEventTriggers(store: Store) {
  if (store.dialect === "sqlite") {
    await sql`DROP TRIGGER events_no_update`.execute(store.db);
    await sql`DROP TRIGGER events_no_delete`.execute(store.db);
  } else {
    await sql`DROP TRIGGER events_append_only ON events`.execute(store.db);
  }
}

async function chainOf(store: Store, orgId: number, seq: number): Promise<string> {
  const row = await store.db.selectFrom("events").select("chain").where("org_id", "=", orgId).where("seq", "=", seq).executeTakeFirstOrThrow();
  return row.chain;
}

/** Recomputes every chain column and the org head the way a careful attacker would. */
async function rechainAll(store: Store, orgId: number) {
  const rows = await store.db.selectFrom("events").select(["seq", "dedupe_key"]).where("org_id", "=", orgId).orderBy("seq").execute();
  let head = GENESIS_CHAIN;
  for (const r of rows) {
    head = nextChain(head, Number(r.seq), r.dedupe_key);
    await sql`UPDATE events SET chain = ${head} WHERE org_id = ${orgId} AND seq = ${r.seq}`.execute(store.db);
  }
  await sql`UPDATE organizations SET chain_head = ${head}, last_seq = ${rows.length} WHERE id = ${orgId}`.execute(store.db);
}

describe(`trust: hash chain, checkpoints, retention on ${kind}`, () => {
  beforeAll(() => {
    process.env.ORGTRAIL_SIGNING_KEY_FILE = join(testTmpRoot(), `signing-${randomBytes(4).toString("hex")}.key`);
    resetEnvCache();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    process.env = saved;
    resetEnvCache();
  });

  it("an empty store verifies ok, and so does one checkpointed with zero events", async () => {
    const store = await freshStore();
    const orgId = await ensureOrg(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: true, firstBadSeq: null, events: 0 });
    const c = await createCheckpoint(store, orgId);
    expect([c.fromSeq, c.toSeq, c.prevHead, c.head]).toEqual([1, 0, GENESIS_CHAIN, GENESIS_CHAIN]);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: true, checkpoints: 1 });
  });

  it("chains every event in the append transaction; re-ingest and dedupe never break it", async () => {
    const store = await freshStore();
    const orgId = await ensureOrg(store.db);
    const text = eventLines(20, Date.parse("2026-01-01T00:00:00Z"));
    const first = await ingest(store, orgId, text);
    expect(first.accepted).toBe(20);
    await createCheckpoint(store, orgId);
    // The same data again, then a mix of old and new lines (duplicates inside one batch too).
    expect((await ingest(store, orgId, text, 3)).duplicates).toBe(20);
    const more = eventLines(10, Date.parse("2026-03-01T00:00:00Z"), "m");
    const mixed = await ingest(store, orgId, text.split("\n").slice(0, 5).join("\n") + "\n" + more + more, 4);
    expect([mixed.accepted, mixed.duplicates]).toEqual([10, 15]);

    const rows = await store.db
      .selectFrom("events")
      .select(["seq", "dedupe_key", "body", "extra", "chain"])
      .where("org_id", "=", orgId)
      .orderBy("seq")
      .execute();
    let head = GENESIS_CHAIN;
    rows.forEach((r, i) => {
      expect(Number(r.seq)).toBe(i + 1);
      expect(eventLeaf(r.body, r.extra)).toBe(r.dedupe_key);
      head = nextChain(head, i + 1, r.dedupe_key);
      expect(r.chain).toBe(head);
    });
    expect(rows.some((r) => r.extra !== null)).toBe(true);
    const org = await store.db.selectFrom("organizations").select(["last_seq", "chain_head"]).where("id", "=", orgId).executeTakeFirstOrThrow();
    expect([Number(org.last_seq), org.chain_head]).toEqual([30, head]);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: true, events: 30, checkpoints: 1, unsignedTail: 10 });
  });

  it("refuses UPDATE and DELETE of events while the triggers are in place", async () => {
    const { store, orgId } = await seeded();
    await expect(sql`UPDATE events SET body = 'x' WHERE org_id = ${orgId} AND seq = 3`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM events WHERE org_id = ${orgId} AND seq = 30`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM checkpoints`.execute(store.db)).rejects.toThrow(/append-only/);
    if (kind === "postgres") await expect(sql`TRUNCATE events`.execute(store.db)).rejects.toThrow(/append-only/);
    expect((await verifyOrg(store, orgId)).ok).toBe(true);
  });

  it("names an edited byte of a body", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`UPDATE events SET body = replace(body, 'u1@acme', 'u9@acme') WHERE org_id = ${orgId} AND seq = 6`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 6, code: "edited_event" });
  });

  it("names an edited unknown key (extra)", async () => {
    const { store, orgId } = await seeded();
    const withExtra = await store.db
      .selectFrom("events")
      .select("seq")
      .where("org_id", "=", orgId)
      .where("extra", "is not", null)
      .orderBy("seq")
      .executeTakeFirstOrThrow();
    await dropEventTriggers(store);
    await sql`UPDATE events SET extra = replace(extra, 'extra', 'EXTRA') WHERE org_id = ${orgId} AND seq = ${withExtra.seq}`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: Number(withExtra.seq), code: "edited_event" });
  });

  it("names an edit whose dedupe key was recomputed (the chain breaks there)", async () => {
    const { store, orgId } = await seeded();
    const row = await store.db.selectFrom("events").select(["body", "extra"]).where("org_id", "=", orgId).where("seq", "=", 9).executeTakeFirstOrThrow();
    const body = row.body.replace("run:update", "run:delete");
    await dropEventTriggers(store);
    await sql`UPDATE events SET body = ${body}, dedupe_key = ${eventLeaf(body, row.extra)} WHERE org_id = ${orgId} AND seq = 9`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 9, code: "chain_mismatch" });
  });

  it("names a mismatching chain column", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`UPDATE events SET chain = ${"f".repeat(64)} WHERE org_id = ${orgId} AND seq = 4`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 4, code: "chain_mismatch" });
  });

  it("names a deleted event", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`DELETE FROM events WHERE org_id = ${orgId} AND seq = 12`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 12, code: "missing_event" });
  });

  it("names a deleted first event", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`DELETE FROM events WHERE org_id = ${orgId} AND seq = 1`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 1, code: "missing_event" });
  });

  it("names reordered events", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`UPDATE events SET seq = -1 WHERE org_id = ${orgId} AND seq = 20`.execute(store.db);
    await sql`UPDATE events SET seq = 20 WHERE org_id = ${orgId} AND seq = 21`.execute(store.db);
    await sql`UPDATE events SET seq = 21 WHERE org_id = ${orgId} AND seq = -1`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 20, code: "chain_mismatch" });
  });

  it("names an inserted event, even when the attacker renumbers and re-chains everything (signed checkpoints)", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    // Shift 18..30 up by one, insert a forged event at 18, recompute every chain and the head.
    for (let seq = 30; seq >= 18; seq--) await sql`UPDATE events SET seq = ${seq + 1} WHERE org_id = ${orgId} AND seq = ${seq}`.execute(store.db);
    const body = JSON.stringify({ action: "user:login", timestamp: "2026-02-01T10:30:00.000Z", actor_email: "mallory@acme.test" });
    await sql`INSERT INTO events (org_id, seq, ts, action, dedupe_key, body, ingested_at, chain)
      VALUES (${orgId}, 18, ${Date.parse("2026-02-01T10:30:00Z")}, 'user:login', ${eventLeaf(body, null)}, ${body}, ${Date.now()}, ${"0".repeat(64)})`.execute(
      store.db,
    );
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 18, code: "chain_mismatch" });
    await rechainAll(store, orgId);
    // Every stored hash is consistent now: only the signed checkpoint over 16-30 disagrees.
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 16, code: "checkpoint_mismatch" });
  });

  it("names a truncated tail, against the organization row and against the latest checkpoint", async () => {
    const { store, orgId } = await seeded();
    await dropEventTriggers(store);
    await sql`DELETE FROM events WHERE org_id = ${orgId} AND seq > 27`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 28, code: "truncated" });
    // The attacker also rewinds the organization row: the signed checkpoint (to 30) still tells.
    await sql`UPDATE organizations SET last_seq = 27, chain_head = ${await chainOf(store, orgId, 27)} WHERE id = ${orgId}`.execute(store.db);
    expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 28, code: "truncated" });
  });

  it("catches a truncation that also removed the stored checkpoints, given an exported checkpoint", async () => {
    const { store, orgId } = await seeded();
    const exported = parseCheckpointJson(checkpointToJson(await createCheckpoint(store, orgId, { fromSeq: 16, toSeq: 30 })));
    await dropEventTriggers(store);
    if (kind === "sqlite") await sql`DROP TRIGGER checkpoints_no_delete`.execute(store.db);
    else await sql`DROP TRIGGER checkpoints_append_only ON checkpoints`.execute(store.db);
    await sql`DELETE FROM checkpoints`.execute(store.db);
    await sql`DELETE FROM events WHERE org_id = ${orgId} AND seq > 25`.execute(store.db);
    await sql`UPDATE organizations SET last_seq = 25, chain_head = ${await chainOf(store, orgId, 25)} WHERE id = ${orgId}`.execute(store.db);
    expect((await verifyOrg(store, orgId)).ok).toBe(true); // the store alone cannot tell
    const r = await verifyOrg(store, orgId, { exported: [{ checkpoint: exported, source: "bucket" }] });
    expect(r).toMatchObject({ ok: false, firstBadSeq: 26, code: "truncated" });
    expect(r.reason).toContain("bucket");
  });

  describe("forged checkpoints", () => {
    let store: Store;
    let orgId: number;
    let good: Checkpoint;
    beforeAll(async () => {
      ({ store, orgId } = await seeded());
      good = await createCheckpoint(store, orgId, { fromSeq: 1, toSeq: 15 });
    });
    const check = async (c: Checkpoint) => verifyOrg(store, orgId, { exported: [{ checkpoint: c, source: "file" }] });

    it("accepts the genuine one", async () => {
      expect(await check(good)).toMatchObject({ ok: true, checkpoints: 4 });
    });
    it("reports one signed with another key", async () => {
      const other = generateKeyPairSync("ed25519");
      const forged = { ...good, keyId: keyIdOf(other.publicKey) };
      forged.signature = sign(null, checkpointMessage(forged), other.privateKey).toString("base64");
      const r = await check(forged);
      expect(r).toMatchObject({ ok: false, firstBadSeq: null, code: "bad_checkpoint" });
      expect(r.reason).toMatch(/another key/);
    });
    it("reports one claiming our key id with another key's signature", async () => {
      const other = generateKeyPairSync("ed25519");
      const forged = { ...good, signature: sign(null, checkpointMessage(good), other.privateKey).toString("base64") };
      expect(await check(forged)).toMatchObject({ ok: false, code: "bad_checkpoint", reason: expect.stringMatching(/bad signature/) });
    });
    it("reports a changed size (toSeq) or range", async () => {
      expect(await check({ ...good, toSeq: 14 })).toMatchObject({ ok: false, code: "bad_checkpoint" });
      expect(await check({ ...good, fromSeq: 2 })).toMatchObject({ ok: false, code: "bad_checkpoint" });
    });
    it("reports swapped heads and a corrupted signature", async () => {
      expect(await check({ ...good, prevHead: good.head, head: good.prevHead })).toMatchObject({ ok: false, code: "bad_checkpoint" });
      const sig = Buffer.from(good.signature, "base64");
      sig[0] = sig[0]! ^ 1;
      expect(await check({ ...good, signature: sig.toString("base64") })).toMatchObject({ ok: false, code: "bad_checkpoint" });
    });
    it("reports a forged row inserted into the store's checkpoints", async () => {
      await store.db
        .insertInto("checkpoints")
        .values({
          org_id: orgId,
          from_seq: 1,
          to_seq: 30,
          prev_head: GENESIS_CHAIN,
          head: "a".repeat(64),
          created_at: Date.now(),
          key_id: good.keyId,
          signature: good.signature,
        })
        .execute();
      expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: null, code: "bad_checkpoint" });
    });
  });

  describe("retention purge", () => {
    it("refuses a retention under six years", async () => {
      const store = await freshStore();
      const orgId = await ensureOrg(store.db);
      await expect(purgeExpired(store, orgId, { retentionDays: 2191 })).rejects.toThrow(/at least 2192 days/);
      process.env.ORGTRAIL_RETENTION_DAYS = "365";
      resetEnvCache();
      const { env } = await import("@/lib/env");
      expect(() => env()).toThrow(/ORGTRAIL_RETENTION_DAYS: must be at least 2192 days/);
      delete process.env.ORGTRAIL_RETENTION_DAYS;
      resetEnvCache();
    });

    it("deletes only the expired seq-prefix, records itself, and keeps the chain verifiable", async () => {
      const store = await freshStore();
      const orgId = await ensureOrg(store.db);
      // Ingested (and dated) in 2015-2016: past the six years now. Then one recent event, then old again.
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2016-01-01T00:00:00Z"));
      await ingest(store, orgId, eventLines(12, Date.parse("2015-06-01T00:00:00Z"), "old"));
      await createCheckpoint(store, orgId);
      vi.useRealTimers();
      await ingest(store, orgId, eventLines(3, Date.now() - 86_400_000, "new"));
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2016-02-01T00:00:00Z"));
      await ingest(store, orgId, eventLines(2, Date.parse("2015-07-01T00:00:00Z"), "late"));
      vi.useRealTimers();
      await createCheckpoint(store, orgId);

      const dry = await purgeExpired(store, orgId, { retentionDays: 2192, dryRun: true });
      expect([dry.fromSeq, dry.upToSeq, dry.count]).toEqual([1, 12, 12]);
      expect(await store.db.selectFrom("events").select("seq").where("org_id", "=", orgId).execute()).toHaveLength(17);

      const head12 = await chainOf(store, orgId, 12);
      const done = await purgeExpired(store, orgId, { retentionDays: 2192 });
      expect([done.fromSeq, done.upToSeq, done.count]).toEqual([1, 12, 12]);
      const rec = await store.db.selectFrom("event_purges").selectAll().where("org_id", "=", orgId).executeTakeFirstOrThrow();
      expect([Number(rec.up_to_seq), rec.chain_head, Number(rec.count), rec.key_id]).toEqual([12, head12, 12, loadSigningKey().keyId]);
      const left = await store.db.selectFrom("events").select("seq").where("org_id", "=", orgId).orderBy("seq").execute();
      expect(left.map((r) => Number(r.seq))).toEqual([13, 14, 15, 16, 17]);
      // Nothing more is expired at the front (13 is recent): the old 16-17 stay.
      expect((await purgeExpired(store, orgId, { retentionDays: 2192 })).count).toBe(0);
      expect(await verifyOrg(store, orgId)).toMatchObject({ ok: true, fromSeq: 13, lastSeq: 17, purges: 1 });
      // Ingest continues the chain after a purge.
      await ingest(store, orgId, eventLines(2, Date.now() - 3_600_000, "after"));
      await createCheckpoint(store, orgId);
      expect(await verifyOrg(store, orgId)).toMatchObject({ ok: true, lastSeq: 19 });
      // Any other deletion is still refused: recent events, and old ones no purge covers.
      await expect(sql`DELETE FROM events WHERE org_id = ${orgId} AND seq = 19`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM events WHERE org_id = ${orgId} AND seq = 16`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM event_purges`.execute(store.db)).rejects.toThrow(/append-only/);
    });

    it("reports a forged purge record", async () => {
      const store = await freshStore();
      const orgId = await ensureOrg(store.db);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2016-01-01T00:00:00Z"));
      await ingest(store, orgId, eventLines(8, Date.parse("2015-06-01T00:00:00Z"), "old"));
      vi.useRealTimers();
      // A database writer records a purge it cannot sign, and the trigger lets the old rows go.
      await store.db
        .insertInto("event_purges")
        .values({
          org_id: orgId,
          up_to_seq: 5,
          chain_head: await chainOf(store, orgId, 5),
          count: 5,
          purged_at: Date.now(),
          key_id: loadSigningKey().keyId,
          signature: "AAAA",
        })
        .execute();
      await sql`DELETE FROM events WHERE org_id = ${orgId} AND seq <= 5`.execute(store.db);
      expect(await verifyOrg(store, orgId)).toMatchObject({ ok: false, firstBadSeq: 1, code: "bad_purge_record" });
    });
  });
});
