// The /admin/audit_logs export fast path (lib/queries/stream-audit-logs.ts) on a real store:
// the stored lines, byte for byte, across many small keyset pages and runs of equal
// timestamps; and keyset pages that seek the index by the cursor instead of rescanning the
// range from its start.
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ndjsonBody, ndjsonBytesBody } from "@/lib/audit/audit-log-body";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { auditLogPageQuery, pageAuditLogs } from "@/lib/queries/page-audit-logs";
import { sqlitePageQuery, streamAuditLogBytes } from "@/lib/queries/stream-audit-logs";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

/** The chunks as text; a page that does not advance would repeat forever: more than 300 is a failure. */
async function collect(chunks: AsyncGenerator<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for await (const c of chunks) {
    out.push(decoder.decode(c));
    if (out.length > 300) throw new Error("more pages than events: the keyset does not advance");
  }
  return out;
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

const noFilters = { actions: null, actorEmail: null, actorUserId: null };
const DAY = 86_400_000;

describe(`audit-log export fast path on ${testStoreKind()}`, () => {
  let store: Store;
  let orgId: number;
  let fromMs: number;
  let toMs: number;

  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db, "default");
    const lines: string[] = [];
    // 300 events over 3 days; runs of up to 7 events share a millisecond, some keys need
    // escaping, one line carries non-ASCII text: the export returns the stored lines as they are.
    for (let i = 0; i < 300; i++) {
      const ms = Date.UTC(2026, 2, 10 + Math.floor(i / 100), 8, 0, 0, 0) + Math.floor(i / 7) * 1000;
      lines.push(
        JSON.stringify({
          action: i % 3 === 0 ? "user:login" : "run:update",
          timestamp: new Date(ms).toISOString(),
          actor_email: `u${i % 11}@acme.test`,
          project_name: i === 42 ? 'Ünïcode "quoted" ✓' : `p${i % 5}`,
        }),
      );
    }
    const summary = await ingestNdjson(store, orgId, chunksOf(lines.join("\n")), { deployment: "self-managed" });
    expect(summary.accepted).toBe(300);
    fromMs = Date.UTC(2026, 2, 10);
    toMs = Date.UTC(2026, 2, 13);
  });

  afterAll(async () => {
    await store?.close();
  });

  const stored = async (from: number, to: number) =>
    (
      await store.db
        .selectFrom("events")
        .select("body")
        .where("org_id", "=", orgId)
        .where("ts", ">=", from)
        .where("ts", "<", to)
        .orderBy("ts")
        .orderBy("seq")
        .execute()
    )
      .map((r) => r.body + "\n")
      .join("");

  it("returns every stored line once, oldest first, whatever the page size", async () => {
    const expected = await stored(fromMs, toMs);
    expect(expected.split("\n")).toHaveLength(301);
    for (const pageSize of [1, 6, 7, 8, 299, 300, 301, 4000]) {
      const chunks = await collect(streamAuditLogBytes(store, { orgId, fromMs, toMs, filters: noFilters }, pageSize));
      expect(chunks.join(""), `page size ${pageSize}`).toBe(expected);
      expect(chunks.length, `page size ${pageSize}`).toBe(Math.ceil(300 / pageSize));
      for (const c of chunks) expect(c.endsWith("\n")).toBe(true);
    }
  });

  it("gives the same bytes as the line-by-line path, for a window and with filters", async () => {
    const windows = [
      { fromMs: fromMs + DAY, toMs: fromMs + 2 * DAY, filters: noFilters },
      { fromMs, toMs, filters: { actions: ["user:login"], actorEmail: null, actorUserId: null } },
      { fromMs, toMs, filters: { actions: null, actorEmail: "u3@acme.test", actorUserId: null } },
    ];
    for (const w of windows) {
      const slow = await readAll(ndjsonBody(pageAuditLogs(store, { orgId, ...w, after: null, max: Infinity }), (line) => line));
      const fast = await readAll(ndjsonBytesBody(streamAuditLogBytes(store, { orgId, ...w }, 9)));
      expect(fast.length).toBeGreaterThan(0);
      expect(fast).toBe(slow);
    }
    expect(await readAll(ndjsonBytesBody(streamAuditLogBytes(store, { orgId, fromMs: toMs, toMs: toMs + DAY, filters: noFilters })))).toBe("");
  });

  it("stops reading pages when the client cancels", async () => {
    let pages = 0;
    const counted = async function* () {
      for await (const c of streamAuditLogBytes(store, { orgId, fromMs, toMs, filters: noFilters }, 10)) {
        pages++;
        yield c;
      }
    };
    const reader = ndjsonBytesBody(counted()).getReader();
    await reader.read();
    await reader.cancel();
    expect(pages).toBeLessThanOrEqual(2);
  });

  it.runIf(testStoreKind() === "sqlite")("closes the export's own SQLite connection when the export ends or the client cancels", async () => {
    const close = vi.spyOn(BetterSqlite3.prototype, "close");
    try {
      await collect(streamAuditLogBytes(store, { orgId, fromMs, toMs, filters: noFilters }, 50));
      expect(close).toHaveBeenCalledTimes(1);
      const reader = ndjsonBytesBody(streamAuditLogBytes(store, { orgId, fromMs, toMs, filters: noFilters }, 10)).getReader();
      await reader.read();
      expect(close).toHaveBeenCalledTimes(1);
      await reader.cancel();
      expect(close).toHaveBeenCalledTimes(2);
      expect(close.mock.contexts.every((db) => db !== store.sqlite)).toBe(true);
    } finally {
      close.mockRestore();
    }
  });

  it.runIf(testStoreKind() === "sqlite")("joins a SQLite page in (ts, seq) order, with or without ordering the bodies in the statement", async () => {
    const expected = await stored(fromMs, toMs);
    const decoder = new TextDecoder();
    for (const sortBodies of [false, true]) {
      let text = "";
      let after: { ts: number; seq: number } | null = null;
      for (let pages = 0; pages < 40; pages++) {
        const row = await sqlitePageQuery(store, { orgId, fromMs, toMs, filters: noFilters }, after, 8, sortBodies).executeTakeFirstOrThrow();
        if (row.bytes === null) break;
        expect(row.bytes).toBeInstanceOf(Uint8Array);
        text += decoder.decode(row.bytes);
        // The page was joined in the order of its seq list, and that list is in (ts, seq) order.
        expect(row.arrived).toBe(row.ordered);
        after = { ts: Number(row.last_ts), seq: Number(row.ordered!.split(",").at(-1)) };
      }
      expect(text, `sortBodies ${sortBodies}`).toBe(expected);
    }
  });

  it.runIf(testStoreKind() === "sqlite")("seeks the index by the cursor on later pages (no rescan from the window's start)", () => {
    const compiled = auditLogPageQuery(store, { orgId, fromMs, toMs, filters: noFilters }, { ts: fromMs + DAY, seq: 5 }, 100).compile();
    const plan = store.sqlite!.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...compiled.parameters) as { detail: string }[];
    expect(plan.map((p) => p.detail).join("; ")).toMatch(/USING INDEX events_org_ts \(org_id=\? AND \(ts,seq\)>\(\?,\?\)/);
    // The same page joined into one value (the export fast path) keeps that plan.
    const joined = sqlitePageQuery(store, { orgId, fromMs, toMs, filters: noFilters }, { ts: fromMs + DAY, seq: 5 }, 100, false).compile();
    const joinedPlan = store.sqlite!.prepare(`EXPLAIN QUERY PLAN ${joined.sql}`).all(...joined.parameters) as { detail: string }[];
    expect(joinedPlan.map((p) => p.detail).join("; ")).toMatch(/USING INDEX events_org_ts \(org_id=\? AND \(ts,seq\)>\(\?,\?\)/);
  });
});
