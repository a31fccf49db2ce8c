// The activity routes while a bulk load writes the organization (lib/queries/bulk-lag.ts): outside
// one every request is answered from the store as it is; during one an answer made less than
// BULK_LAG_MS ago is served, the change shows within that lag, and once the load ends the next
// answer is exact again.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getPanelRoute } from "@/app/api/v1/activity/panel/route";
import { GET as getActivityRoute } from "@/app/api/v1/activity/route";
import { startBulkWriter } from "@/lib/db/bulk-writers";
import { openStore, type Store } from "@/lib/db/client";
import { BULK_LAG_MS, bulkLagComputes } from "@/lib/queries/bulk-lag";
import { ingestText } from "../support/bucket";
import { runCli } from "../support/server";
import { useInProcessApp } from "../support/inprocess-app";
import { testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;

describe(`activity answers during a bulk load on ${testStoreKind()}`, () => {
  const app = useInProcessApp(async (databaseUrl) => {
    expect((await runCli(["ingest", join(EXAMPLE, "events.ndjson")], { databaseUrl })).code).toBe(0);
  });
  const get = app.get;
  let logins = 0;
  const total = async () => ((await (await getActivityRoute(get("/api/v1/activity?period=30d"))).json()) as { totalActiveUsers: number }).totalActiveUsers;
  const panel = async () => ((await (await getPanelRoute(get("/api/v1/activity/panel?range=7"))).json()) as { activeUserCount: number }).activeUserCount;
  let other: Store;
  /**
   * A new user active on asOf's day, ingested through a second connection to the store (as
   * another process would; in-process, so it takes milliseconds, well inside the lag): one
   * more active user.
   */
  const loginNewUser = async () => {
    logins++;
    const summary = await ingestText(
      other,
      `{"action":"user:login","timestamp":"2026-03-31T10:00:00Z","actor_email":"lag${logins}@acme.test","response_code":200}\n`,
    );
    expect(summary.accepted).toBe(1);
  };
  const defaultOrg = async () => Number((await other.db.selectFrom("organizations").select("id").where("slug", "=", "default").executeTakeFirstOrThrow()).id);

  beforeAll(async () => {
    other = await openStore(app.databaseUrl);
  });
  afterAll(async () => {
    await other?.close();
  });

  it("answers every request from the store as it is when no load runs", async () => {
    const before = await total();
    const computes = bulkLagComputes();
    expect(await total()).toBe(before);
    expect(bulkLagComputes()).toBe(computes + 1);
    await loginNewUser();
    expect(await total()).toBe(before + 1);
  }, 30_000);

  it("serves an answer a moment old while a load writes, shows the change within the lag, and is exact once it ends", async () => {
    const writer = await startBulkWriter(other, await defaultOrg());
    const before = await total();
    const panelBefore = await panel();
    await loginNewUser();
    // A batch committed just now: the answers made a moment ago are served as they are.
    expect(await total()).toBe(before);
    expect(await panel()).toBe(panelBefore);
    // Never older than BULK_LAG_MS: the change shows within it while the load goes on.
    const changedBy = Date.now() + BULK_LAG_MS + 3_000;
    let seen = [before, panelBefore];
    while ((seen[0] !== before + 1 || seen[1] !== panelBefore + 1) && Date.now() < changedBy) {
      await new Promise((r) => setTimeout(r, 250));
      seen = [await total(), await panel()];
    }
    expect(seen).toEqual([before + 1, panelBefore + 1]);
    // The load ends: the next request after a change is exact at once.
    await writer.end();
    await loginNewUser();
    expect(await total()).toBe(before + 2);
    expect(await panel()).toBe(panelBefore + 2);
  }, 60_000);
});
