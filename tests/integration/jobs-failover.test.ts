// Leadership across processes: two "servers" (separate processes running the scheduler) on one
// store; exactly one runs the scheduled job, and when it is killed with SIGKILL (no clean stop,
// no lease release) the other takes over once the dead leader's lease expires: within the
// lease TTL plus one interval (docs/SCALING.md).
import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { createTestDatabaseUrl } from "../support/store";

const root = new URL("../..", import.meta.url).pathname;
const INTERVAL = 300;
const TTL = 2000;
/** The scheduler's lease for a job: max(leaseTtlMs, 2 × interval) (lib/jobs/scheduler.ts). */
const LEASE = Math.max(TTL, 2 * INTERVAL);
/** Room for a busy test machine (two cores shared by several test runs). */
const SLACK = 3000;

interface Run {
  holder: string;
  started_at: number;
  ended_at: number;
}

function startServer(url: string, holder: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx/esm", "tests/support/scheduler-process.ts", url, holder, String(INTERVAL), String(TTL)], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${holder} exited (${code}) before it was ready`)));
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("scheduled jobs across server processes", () => {
  let store: Store;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    await sql`CREATE TABLE leader_runs (holder text NOT NULL, started_at bigint NOT NULL, ended_at bigint NOT NULL)`.execute(store.db);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await store?.close();
  });

  const runs = async (): Promise<Run[]> =>
    (await sql<Run>`SELECT holder, started_at, ended_at FROM leader_runs ORDER BY started_at`.execute(store.db)).rows.map((r) => ({
      holder: r.holder,
      started_at: Number(r.started_at),
      ended_at: Number(r.ended_at),
    }));

  it("runs the job on exactly one server, and moves it within a lease TTL when the leader is killed (SIGKILL)", { timeout: 90_000 }, async () => {
    const servers = new Map<string, ChildProcess>();
    for (const holder of ["server-a", "server-b"]) {
      const child = await startServer(store.url, holder);
      children.push(child);
      servers.set(holder, child);
    }
    // Both up: several runs, all by one of them.
    const bothUp = Date.now();
    const before = await waitFor("runs while both servers are up", 30_000, async () => {
      const r = (await runs()).filter((x) => x.started_at > bothUp);
      return r.length >= 5 ? r : undefined;
    });
    const leader = before[0]!.holder;
    expect(new Set(before.map((r) => r.holder))).toEqual(new Set([leader]));
    const follower = leader === "server-a" ? "server-b" : "server-a";

    const killedAt = Date.now();
    servers.get(leader)!.kill("SIGKILL");
    await new Promise((r) => servers.get(leader)!.once("exit", r));

    const takeover = await waitFor(`a run by ${follower}`, LEASE + INTERVAL + SLACK + 10_000, async () => (await runs()).find((r) => r.holder === follower));
    const gap = takeover.started_at - killedAt;
    // Not before the dead leader's lease ran out (it was renewed at its last run), and within it plus one interval.
    const lastByLeader = Math.max(...(await runs()).filter((r) => r.holder === leader).map((r) => r.started_at));
    expect(takeover.started_at - lastByLeader).toBeGreaterThanOrEqual(LEASE - 1000);
    expect(gap).toBeLessThanOrEqual(LEASE + INTERVAL + SLACK);

    // The new leader keeps it; at no time did the two run the job together.
    await waitFor("more runs by the new leader", 10_000, async () => ((await runs()).filter((r) => r.holder === follower).length >= 3 ? true : undefined));
    const all = await runs();
    const switches = all.slice(1).filter((r, i) => r.holder !== all[i]!.holder).length;
    expect(switches).toBe(1);
    for (const a of all) for (const b of all) if (a.holder !== b.holder) expect(a.ended_at < b.started_at || b.ended_at < a.started_at).toBe(true);
  });
});
