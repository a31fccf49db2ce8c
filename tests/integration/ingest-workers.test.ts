// The CLI's parallel ingest (parse in worker threads, write in order) against the in-thread
// path: the same generated file, with bad lines, blank lines, CRLF, a BOM, a too-long line
// and duplicates, fed in odd-sized chunks, must leave exactly the same rows (events with
// their sequence numbers and hash chain, users, rollups, lifecycle) and the same summary
// and rejections with the same line numbers. On SQLite and PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { generateEventLines } from "@/lib/demo/generate";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import type { Deployment } from "@/lib/env";
import { ingestNdjson, type IngestSummary, type Rejection } from "@/lib/ingest/ingest-ndjson";
import { workerParser } from "@/lib/ingest/parse-pool";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const enc = new TextEncoder();

/** The test file as byte lines, and the 1-based numbers of the lines that must be rejected. */
function buildInput(): { bytes: Uint8Array; badLines: number[] } {
  const good = [...generateEventLines({ seed: 11, users: 40, events: 6000, endDate: "2026-11-20", days: 120 })];
  const out: Uint8Array[] = [];
  const badLines: number[] = [];
  const push = (line: string | Uint8Array, bad = false, ending = "\n") => {
    const bytes = typeof line === "string" ? enc.encode(line) : line;
    out.push(bytes, enc.encode(ending));
    if (bad) badLines.push(out.length / 2);
  };
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  push(new Uint8Array([...bom, ...enc.encode(good[0]!)]));
  for (let i = 1; i < good.length; i++) {
    push(good[i]!, false, i % 97 === 0 ? "\r\n" : "\n");
    if (i % 500 === 0) push("{not json", true);
    if (i % 733 === 0) push('{"action":"user:login"}', true);
    if (i % 911 === 0) push("[1,2,3]", true);
    if (i % 1201 === 0) push(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), true); // invalid UTF-8
    if (i % 401 === 0) push("   ");
    if (i % 300 === 0) push("");
    if (i % 50 === 0) push(good[i - 7]!); // a duplicate of an earlier line (often in another unit)
    if (i % 1500 === 0) push(good[i]!); // a duplicate of the line just before
    if (i === 2500) push(`{"action":"x","pad":"${"y".repeat(70_000)}"}`, true); // past the 64 KiB limit
  }
  out.pop(); // no final newline
  const total = out.reduce((n, b) => n + b.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const b of out) {
    bytes.set(b, offset);
    offset += b.length;
  }
  return { bytes, badLines };
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function snapshot(store: Store, orgId: number) {
  const tables = {
    events: store.db
      .selectFrom("events")
      .select(["seq", "ts", "action", "actor_id", "target_id", "response_code", "dedupe_key", "body", "extra", "chain"])
      .where("org_id", "=", orgId)
      .orderBy("seq"),
    users: store.db
      .selectFrom("users")
      .select(["id", "external_id", "email", "email_key", "first_seen_at", "first_invited_at"])
      .where("org_id", "=", orgId)
      .orderBy("id"),
    user_day: store.db.selectFrom("user_day").selectAll().where("org_id", "=", orgId).orderBy("user_id").orderBy("day"),
    user_activity: store.db.selectFrom("user_activity").selectAll().where("org_id", "=", orgId).orderBy("user_id"),
    day_activity: store.db.selectFrom("day_activity").selectAll().where("org_id", "=", orgId).orderBy("day"),
    week_activity: store.db.selectFrom("week_activity").selectAll().where("org_id", "=", orgId).orderBy("week"),
    user_lifecycle: store.db.selectFrom("user_lifecycle").selectAll().where("org_id", "=", orgId).orderBy("user_id").orderBy("seq"),
    org: store.db.selectFrom("organizations").select(["last_seq", "chain_head"]).where("id", "=", orgId),
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(tables)) {
    // Numbers as numbers on both stores (PostgreSQL bigint comes back parsed already).
    out[name] = (await query.execute()).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
  }
  return out;
}

describe(`parallel ingest on ${testStoreKind()}`, () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  const ingestBoth = async (deployment: Deployment) => {
    const { bytes, badLines } = buildInput();
    const results: { summary: IngestSummary; streamed: Rejection[]; rows: Awaited<ReturnType<typeof snapshot>> }[] = [];
    for (const workers of [0, 2]) {
      const store = await openStore(await createTestDatabaseUrl());
      stores.push(store);
      const orgId = await ensureOrg(store.db);
      const streamed: Rejection[] = [];
      const summary = await ingestNdjson(store, orgId, inChunks(bytes, 7919), {
        deployment,
        batchSize: 700,
        parallel: workers > 0 ? workerParser(workers, 48 * 1024) : undefined,
        onReject: (r) => streamed.push(r),
      });
      results.push({ summary, streamed, rows: await snapshot(store, orgId) });
    }
    return { results, badLines, bytes };
  };

  it("stores the same rows and reports the same lines as the in-thread path (self-managed)", async () => {
    const { results, badLines, bytes } = await ingestBoth("self-managed");
    const [inThread, parallel] = results as [(typeof results)[0], (typeof results)[0]];
    // The input is what the test means it to be.
    expect(inThread.summary.rejected.map((r) => r.line)).toEqual(badLines);
    expect(inThread.summary.duplicates).toBeGreaterThan(100);
    expect(inThread.summary.accepted).toBeGreaterThan(5000);
    expect(inThread.summary.bytes).toBeLessThanOrEqual(bytes.length + 1);
    expect(inThread.summary.rejected.find((r) => r.error.includes("longer than"))).toBeDefined();

    expect(parallel.summary).toEqual(inThread.summary);
    expect(parallel.streamed).toEqual(inThread.streamed);
    expect(parallel.rows.events!.length).toBe(inThread.summary.accepted);
    for (const table of Object.keys(inThread.rows)) expect({ table, rows: parallel.rows[table] }).toEqual({ table, rows: inThread.rows[table] });
  });

  it("skips the same events in multi-tenant mode", async () => {
    const { results } = await ingestBoth("multi-tenant");
    const [inThread, parallel] = results as [(typeof results)[0], (typeof results)[0]];
    expect(inThread.summary.skipped).toBeGreaterThan(0);
    expect(parallel.summary).toEqual(inThread.summary);
    for (const table of Object.keys(inThread.rows)) expect({ table, rows: parallel.rows[table] }).toEqual({ table, rows: inThread.rows[table] });
  });
});
