// Activity queries beyond the worked example: more than ten active users (ties at the tenth
// place), gone users, the multi-tenant cutoff and asOf in the past, on a real store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getActivity } from "@/lib/queries/get-activity";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { listUsers } from "@/lib/queries/list-users";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const ev = (action: string, timestamp: string, actor: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ action, timestamp, actor_email: actor, ...extra });

describe(`activity queries on ${testStoreKind()}`, () => {
  let store: Store;
  let orgId: number;

  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db, "default");
    const lines: string[] = [];
    // u00..u11: user i active on days 2026-03-(20+k) for k < (i % 4) + 1, same hour:
    // active days 1..4, many ties broken by last active then name.
    for (let i = 0; i < 12; i++) {
      for (let k = 0; k <= i % 4; k++) lines.push(ev("user:login", `2026-03-${20 + k}T10:00:00Z`, `u${String(i).padStart(2, "0")}@acme.test`));
    }
    // A user with the most days who is then deleted never counts.
    for (let k = 0; k < 8; k++) lines.push(ev("run:update", `2026-03-${20 + k}T09:00:00Z`, "zz@acme.test"));
    lines.push(ev("user:delete", "2026-03-30T00:00:00Z", "root@acme.test", { user_email: "zz@acme.test" }));
    // Old activity: before the multi-tenant start (2025-05-07) and on it (2025-05-08).
    lines.push(ev("user:login", "2025-05-07T12:00:00Z", "old@acme.test"));
    lines.push(ev("user:login", "2025-05-08T12:00:00Z", "may@acme.test"));
    lines.push(ev("user:login", "2025-05-07T23:59:59Z", "may@acme.test"));
    const summary = await ingestNdjson(store, orgId, chunksOf(lines.join("\n")), { deployment: "self-managed" });
    expect(summary.rejected).toEqual([]);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("counts every active user and ranks the top ten with ties", async () => {
    const panel = await getActivityPanel(store, orgId, { range: 30, asOf: "2026-03-31", deployment: "self-managed" });
    // root is active on 2026-03-30 (the delete) and counts too.
    expect(panel.activeUserCount).toBe(13);
    expect(panel.mostActive.map((u) => [u.email, u.activeDays])).toEqual([
      ["u03@acme.test", 4],
      ["u07@acme.test", 4],
      ["u11@acme.test", 4],
      ["u02@acme.test", 3],
      ["u06@acme.test", 3],
      ["u10@acme.test", 3],
      ["u01@acme.test", 2],
      ["u05@acme.test", 2],
      ["u09@acme.test", 2],
      // root (1 day) was active latest of the one-day users.
      ["root@acme.test", 1],
    ]);
    expect(panel.weekly).toEqual([
      { weekStart: "2026-03-02", activeUsers: 0 },
      { weekStart: "2026-03-09", activeUsers: 0 },
      { weekStart: "2026-03-16", activeUsers: 12 },
      { weekStart: "2026-03-23", activeUsers: 3 },
      { weekStart: "2026-03-30", activeUsers: 1 },
    ]);
  });

  it("sees the deleted user as of a day before the delete", async () => {
    const panel = await getActivityPanel(store, orgId, { range: 7, asOf: "2026-03-29", deployment: "self-managed" });
    expect(panel.mostActive[0]).toEqual({
      id: expect.any(Number),
      username: null,
      email: "zz@acme.test",
      activeDays: 5,
      lastActive: "2026-03-27T09:00:00.000Z",
    });
    const users = await listUsers(store, orgId, { asOf: "2026-03-29", deployment: "self-managed" });
    expect(users.find((u) => u.email === "zz@acme.test")).toMatchObject({ activeDays: 8, status: "active" });
    expect(users.some((u) => u.email === "root@acme.test")).toBe(false);
  });

  it("applies the multi-tenant cutoff to every number", async () => {
    const asOf = "2025-06-30";
    const self = await listUsers(store, orgId, { asOf, deployment: "self-managed" });
    const mt = await listUsers(store, orgId, { asOf, deployment: "multi-tenant" });
    expect(self.map((u) => [u.email, u.activeDays, u.status])).toEqual([
      ["old@acme.test", 1, "active"],
      ["may@acme.test", 2, "active"],
    ]);
    expect(mt.map((u) => [u.email, u.activeDays, u.status, u.lastActive])).toEqual([
      ["old@acme.test", 0, "inactive", null],
      ["may@acme.test", 1, "active", "2025-05-08T12:00:00.000Z"],
    ]);
    const all = await getActivity(store, orgId, { period: "all", asOf, deployment: "multi-tenant" });
    expect(all.from).toBe("2025-05-08");
    expect(all.totalActiveUsers).toBe(1);
    const allSelf = await getActivity(store, orgId, { period: "all", asOf, deployment: "self-managed" });
    expect(allSelf.from).toBe("2025-05-07");
    expect(allSelf.totalActiveUsers).toBe(2);
    expect(allSelf.series.slice(0, 2)).toEqual([
      { date: "2025-05-07", activeUsers: 2 },
      { date: "2025-05-08", activeUsers: 1 },
    ]);
  });
});
