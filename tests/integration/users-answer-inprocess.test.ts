// The users answer cache in-process (lib/queries/users-answer.ts): the route handlers reuse one
// serialized answer while the store is unchanged, and build a new one after an ingest or a
// users import made by another process (the CLI) or a write through another connection.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GET as getExportRoute } from "@/app/api/v1/users/export.csv/route";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import { startBulkWriter } from "@/lib/db/bulk-writers";
import { openStore, type Store } from "@/lib/db/client";
import { BULK_LAG_MS } from "@/lib/queries/bulk-lag";
import { usersAnswerBuilds, usersRowsBuilds } from "@/lib/queries/users-answer";
import { runCli } from "../support/server";
import { useInProcessApp } from "../support/inprocess-app";
import { testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;
const HEADER = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';

describe(`users answer cache in-process on ${testStoreKind()}`, () => {
  const app = useInProcessApp(async (databaseUrl) => {
    expect((await runCli(["import-users", join(EXAMPLE, "users.csv")], { databaseUrl })).code).toBe(0);
  });
  const get = app.get;
  const dir = mkdtempSync(join(tmpdir(), "orgtrail-users-cache-"));
  const users = async () => (await (await getUsersRoute(get("/api/v1/users"))).json()) as { users: { username: string; name: string | null; runs: number }[] };
  const csv = async () => (await getExportRoute(get("/api/v1/users/export.csv"))).text();

  it("reuses the answer while nothing changes", async () => {
    const first = await users();
    const builds = usersAnswerBuilds();
    expect(await users()).toEqual(first);
    expect(await users()).toEqual(first);
    expect(usersAnswerBuilds()).toBe(builds);
  });

  it("answers each ?status= from the same read of the store while nothing changes", async () => {
    const all = (await users()).users as unknown as { status: string }[];
    const reads = usersRowsBuilds();
    const builds = usersAnswerBuilds();
    for (const status of ["active", "inactive", "invite_pending", "deactivated"]) {
      const body = (await (await getUsersRoute(get(`/api/v1/users?status=${status}`))).json()) as { users: { status: string }[] };
      expect(body.users).toEqual(all.filter((u) => u.status === status));
    }
    // Four new answers (one per status), cut from the rows the whole list was made from.
    expect(usersAnswerBuilds()).toBe(builds + 4);
    expect(usersRowsBuilds()).toBe(reads);
    // And each is cached in turn.
    await getUsersRoute(get("/api/v1/users?status=active"));
    expect(usersAnswerBuilds()).toBe(builds + 4);
  });

  it("sees a CLI ingest and a CLI users import at the next request", async () => {
    const before = await users();
    const csvBefore = await csv();
    expect((await runCli(["ingest", join(EXAMPLE, "events.ndjson")], { databaseUrl: app.databaseUrl })).code).toBe(0);
    const afterIngest = await users();
    expect(afterIngest.users.length).toBeGreaterThan(before.users.length);
    expect(await csv()).not.toBe(csvBefore);

    const file = join(dir, "rename.csv");
    writeFileSync(file, `${HEADER}\n"Bo Renamed","bo","","member","bo@acme.test","","",0,3,0,"Viewer"\n`);
    expect((await runCli(["import-users", file], { databaseUrl: app.databaseUrl })).code).toBe(0);
    expect((await users()).users.find((u) => u.username === "bo")!.name).toBe("Bo Renamed");
    expect(await csv()).toContain('"Bo Renamed"');
  });

  it("sees a write through another connection at the next request", async () => {
    await users();
    const other = await openStore(app.databaseUrl);
    try {
      await other.db.updateTable("users").set({ runs: 4242 }).where("username", "=", "ana").execute();
    } finally {
      await other.close();
    }
    expect((await users()).users.find((u) => u.username === "ana")!.runs).toBe(4242);
  });

  it("rebuilds an answer a request took soon after a change, so the next request finds it made", async () => {
    await users();
    const other = await openStore(app.databaseUrl);
    try {
      await other.db.updateTable("users").set({ runs: 4343 }).where("username", "=", "ana").execute();
    } finally {
      await other.close();
    }
    const builds = usersAnswerBuilds();
    const deadline = Date.now() + 10_000;
    while (usersAnswerBuilds() === builds && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(usersAnswerBuilds()).toBeGreaterThan(builds);
    // Every answer taken since the last change (the list, maybe the CSV) is rebuilt in turn.
    let rebuilt = usersAnswerBuilds();
    for (let quiet = 0; quiet < 10; quiet++) {
      await new Promise((r) => setTimeout(r, 100));
      if (usersAnswerBuilds() !== rebuilt) [rebuilt, quiet] = [usersAnswerBuilds(), 0];
    }
    expect((await users()).users.find((u) => u.username === "ana")!.runs).toBe(4343);
    expect(usersAnswerBuilds()).toBe(rebuilt);
  });

  describe("while a bulk load (orgtrail ingest) writes the organization", () => {
    const setRuns = async (other: Store, runs: number) => other.db.updateTable("users").set({ runs }).where("username", "=", "ana").execute();
    const anaRuns = async () => (await users()).users.find((u) => u.username === "ana")!.runs;
    const defaultOrg = async (other: Store) =>
      Number((await other.db.selectFrom("organizations").select("id").where("slug", "=", "default").executeTakeFirstOrThrow()).id);

    it("serves an answer made within the last few seconds instead of one per batch, and is exact once the load ends", async () => {
      const other = await openStore(app.databaseUrl);
      try {
        await setRuns(other, 5000);
        expect(await anaRuns()).toBe(5000);
        const writer = await startBulkWriter(other, await defaultOrg(other));
        await setRuns(other, 5001);
        const builds = usersAnswerBuilds();
        // A batch committed just now: the answer made a moment ago is served as it is.
        expect(await anaRuns()).toBe(5000);
        expect(usersAnswerBuilds()).toBe(builds);
        // Never older than BULK_LAG_MS: the change shows within it while the load goes on.
        const changedBy = Date.now() + BULK_LAG_MS + 3_000;
        let seen = 5000;
        while (seen !== 5001 && Date.now() < changedBy) {
          await new Promise((r) => setTimeout(r, 250));
          seen = await anaRuns();
        }
        expect(seen).toBe(5001);
        // The load ends: the next request after a change is exact at once.
        await setRuns(other, 5002);
        await writer.end();
        expect(await anaRuns()).toBe(5002);
      } finally {
        await other.close();
      }
    }, 30_000);

    it("takes a load whose heartbeat is older than 30 s for gone (killed): the next answer is exact", async () => {
      const other = await openStore(app.databaseUrl);
      try {
        const orgId = await defaultOrg(other);
        await setRuns(other, 6000);
        expect(await anaRuns()).toBe(6000);
        const old = Date.now() - 31_000;
        await other.db.insertInto("bulk_writers").values({ org_id: orgId, holder: "gone:1:dead", started_at: old, beat_at: old }).execute();
        await setRuns(other, 6001);
        expect(await anaRuns()).toBe(6001);
        await other.db.deleteFrom("bulk_writers").where("holder", "=", "gone:1:dead").execute();
      } finally {
        await other.close();
      }
    });
  });
});
