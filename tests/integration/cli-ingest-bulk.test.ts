// `orgtrail ingest` as a bulk writer beside a server (docs/PERFORMANCE.md, "Dashboard routes
// while a CLI ingest runs"): it runs below the server's CPU priority, and says in
// `bulk_writers` that it is loading the organization from its start until it exits.
import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { spawnCli } from "../support/http-fakes";
import { runCli } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

/** The nice value of a process, from /proc/<pid>/stat (the 19th field; the name in parentheses may hold spaces). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

const line = (i: number) => JSON.stringify({ timestamp: `2026-01-0${1 + (i % 9)}T10:00:00Z`, action: "user:login", actor: { username: `u${i}` } });

describe(`orgtrail ingest as a bulk writer (${testStoreKind()})`, () => {
  let databaseUrl = "";
  let store: Store;

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    expect((await runCli(["ingest", "-"], { databaseUrl, input: `${line(0)}\n` })).code).toBe(0);
    store = await openStore(databaseUrl);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  /** `ingest -` with its input still open: the test writes and ends it. */
  const startIngest = (args: string[]) => spawnCli(["ingest", ...args, "-"], { ORGTRAIL_DATABASE_URL: databaseUrl }, { stdin: true });
  const writers = async () => store.db.selectFrom("bulk_writers").select(["holder", "started_at", "beat_at"]).execute();

  async function untilWriting(pid: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await writers()).some((w) => w.holder.includes(`:${pid}:`))) {
      if (Date.now() > deadline) throw new Error("the ingest never recorded itself in bulk_writers");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("runs at nice 10 or lower priority, is listed while it loads, and is gone when it exits", async () => {
    const { child, done } = startIngest([]);
    await untilWriting(child.pid!);
    expect(niceOf(child.pid!)).toBeGreaterThanOrEqual(10);
    child.stdin!.end(Array.from({ length: 20 }, (_, i) => line(i + 1)).join("\n") + "\n");
    expect((await done).code).toBe(0);
    expect(await writers()).toEqual([]);
    const stored = await store.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(21);
  }, 60_000);

  it("keeps the priority it was started with under --nice 0, and refuses a nice value out of range", async () => {
    const { child, done } = startIngest(["--nice", "0"]);
    await untilWriting(child.pid!);
    expect(niceOf(child.pid!)).toBe(getPriority());
    child.stdin!.end();
    expect((await done).code).toBe(0);
    const bad = await runCli(["ingest", "--nice", "20", "-"], { databaseUrl, input: "" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--nice must be an integer from 0 to 19");
  }, 60_000);

  it.runIf(testStoreKind() === "postgres")(
    "vacuums user_activity after its batches (PostgreSQL: each batch leaves a dead version of every user row it updates)",
    async () => {
      const vacuums = async () => {
        const { rows } = await sql<{ n: string }>`SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'user_activity'`.execute(store.db);
        return Number(rows[0]?.n ?? 0);
      };
      const before = await vacuums();
      const { child, done } = startIngest([]);
      await untilWriting(child.pid!);
      child.stdin!.end(Array.from({ length: 20 }, (_, i) => line(i + 100)).join("\n") + "\n");
      expect((await done).code).toBe(0);
      // The statistics reach other sessions within a second or so.
      const deadline = Date.now() + 10_000;
      while ((await vacuums()) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await vacuums()).toBeGreaterThan(before);
    },
    60_000,
  );

  it("is removed when the ingest fails", async () => {
    const missing = await runCli(["ingest", "/no/such/file.ndjson"], { databaseUrl });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("cannot read /no/such/file.ndjson");
    expect(await writers()).toEqual([]);
  }, 60_000);
});
