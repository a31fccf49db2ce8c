// The chain walk behind checkpoints and verification (lib/trust/range.ts) lets the event
// loop run between pages: on SQLite every query answers synchronously, so without that the
// server's first checkpoint after a large ingest held the loop for the whole walk (~17 s per
// million events measured), /api/health included, and Node dropped requests waiting > 60 s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { GENESIS_CHAIN } from "@/lib/trust/chain";
import { recomputeRange } from "@/lib/trust/range";
import { createTestDatabaseUrl } from "../support/store";

const EVENTS = 12_500; // three pages of the walk

describe("the chain walk yields to the event loop between pages", () => {
  let store: Store;
  let orgId: number;
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db);
    const lines = Array.from({ length: EVENTS }, (_, i) =>
      JSON.stringify({ action: "user:login", timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), actor_email: `u${i % 50}@acme.test` }),
    ).join("\n");
    const summary = await ingestNdjson(
      store,
      orgId,
      (async function* () {
        yield new TextEncoder().encode(lines);
      })(),
      { deployment: "self-managed", batchSize: 5000 },
    );
    expect(summary.accepted).toBe(EVENTS);
  }, 60_000);
  afterAll(async () => store?.close());

  it("runs timers and I/O callbacks while it walks, and still walks every event", async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const walked = await recomputeRange(store, orgId, 1, null, GENESIS_CHAIN);
    const during = ticks;
    running = false;
    expect(walked).toMatchObject({ ok: true, lastSeq: EVENTS, count: EVENTS });
    // One turn of the loop at least after each full page (two here), where a walk that only
    // awaited synchronous queries would let none happen before it ended.
    expect(during).toBeGreaterThanOrEqual(2);
  });
});
