// Background-job leadership: exactly one holder per job, taken over when the leader stops renewing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { acquireLease, currentLeader } from "@/lib/jobs/lease";
import { startScheduler, type Job } from "@/lib/jobs/scheduler";
import { listJobStates, loadCheckpoint } from "@/lib/jobs/state";
import { createTestDatabaseUrl } from "../support/store";

describe("job leases", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
  });
  afterAll(async () => store?.close());

  it("grants a lease to one holder until it expires", async () => {
    const t0 = 1_000_000;
    expect(await acquireLease(store, "sync", 10_000, "a", t0)).toBe(true);
    expect(await acquireLease(store, "sync", 10_000, "b", t0 + 1)).toBe(false);
    expect(await acquireLease(store, "sync", 10_000, "a", t0 + 5_000)).toBe(true); // renewal
    expect(await acquireLease(store, "sync", 10_000, "b", t0 + 14_999)).toBe(false);
    expect(await acquireLease(store, "sync", 10_000, "b", t0 + 15_001)).toBe(true); // a stopped renewing
    expect(await acquireLease(store, "sync", 10_000, "a", t0 + 15_002)).toBe(false);
    expect(await currentLeader(store, "sync", t0 + 15_003)).toBe("b");
  });

  it("races for a free lease have exactly one winner", async () => {
    const now = Date.now();
    const results = await Promise.all(["h1", "h2", "h3", "h4"].map((h) => acquireLease(store, "race", 10_000, h, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe("scheduler", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
  });
  afterAll(async () => store?.close());

  it("runs a job on one server only, records its state, and moves when the leader stops", async () => {
    const runs: string[] = [];
    const job = (holder: string): Job => ({
      name: "tick",
      intervalMs: 100,
      async run() {
        runs.push(holder);
      },
    });
    let failures = 0;
    const failing: Job = {
      name: "broken",
      intervalMs: 100,
      async run() {
        throw new Error("upstream unreachable");
      },
      async onFailure(_error, consecutive) {
        failures = consecutive;
      },
    };
    const a = startScheduler(store, [job("a"), failing], { holder: "server-a", leaseTtlMs: 1000 });
    const b = startScheduler(store, [job("b")], { holder: "server-b", leaseTtlMs: 1000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs.length).toBeGreaterThan(3);
    expect(new Set(runs).size).toBe(1);
    const first = runs[0]!;
    await (first === "a" ? a : b).stop(); // releases its leases
    const before = runs.length;
    await new Promise((r) => setTimeout(r, 1500));
    const after = runs.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after)).toEqual(new Set([first === "a" ? "b" : "a"]));
    await (first === "a" ? b : a).stop();

    const states = await listJobStates(store.db);
    const tick = states.find((s) => s.name === "tick")!;
    expect(tick.last_success_at).not.toBeNull();
    const broken = states.find((s) => s.name === "broken")!;
    expect(broken.last_error).toBe("upstream unreachable");
    expect(Number(broken.consecutive_failures)).toBeGreaterThan(1);
    expect(failures).toBe(Number(broken.consecutive_failures));
    expect(await loadCheckpoint(store.db, "tick")).toBeNull();
  });
});
