// SPEC §4 worked example (examples/small-org): users, every activity period and the 7-day
// panel for asOf 2026-03-31, in both deployment modes, against a real store.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDate } from "@/lib/audit/timestamp";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import type { Deployment } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { getActivity } from "@/lib/queries/get-activity";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { listUsers } from "@/lib/queries/list-users";
import { importUsers } from "@/lib/users/import-users";
import type { ActivityPoint, PanelResponse, Period, UserRow } from "@/lib/activity/types";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;

interface ExpectedMode {
  users: UserRow[];
  activity: Partial<Record<Period, { period: Period; from: string; to: string; totalActiveUsers: number; nonZeroSeries: ActivityPoint[] }>>;
  panel7: PanelResponse;
}
type Expected = { asOf: string } & Record<Deployment, ExpectedMode | undefined>;

const expected = JSON.parse(readFileSync(join(EXAMPLE, "expected.json"), "utf8")) as Expected;

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

for (const deployment of ["self-managed", "multi-tenant"] as const) {
  const want = expected[deployment]!;

  describe(`small-org example, ${deployment}, on ${testStoreKind()}`, () => {
    let store: Store;
    let orgId: number;

    beforeAll(async () => {
      store = await openStore(await createTestDatabaseUrl());
      orgId = await ensureOrg(store.db, "default");
      const imported = await importUsers(store, orgId, readFileSync(join(EXAMPLE, "users.csv"), "utf8"));
      expect(imported).toMatchObject({ created: 2, updated: 0, rejected: [] });
      const summary = await ingestNdjson(store, orgId, chunksOf(readFileSync(join(EXAMPLE, "events.ndjson"), "utf8")), { deployment });
      expect(summary.rejected).toEqual([]);
    });

    afterAll(async () => {
      await store?.close();
    });

    it("lists every user as expected", async () => {
      const users = await listUsers(store, orgId, { asOf: expected.asOf, deployment });
      expect(users).toEqual(want.users);
    });

    for (const [period, exp] of Object.entries(want.activity)) {
      it(`answers activity for period ${period}`, async () => {
        const got = await getActivity(store, orgId, { period: period as Period, asOf: expected.asOf, deployment });
        expect({ period: got.period, from: got.from, to: got.to, totalActiveUsers: got.totalActiveUsers }).toEqual({
          period: exp!.period,
          from: exp!.from,
          to: exp!.to,
          totalActiveUsers: exp!.totalActiveUsers,
        });
        expect(got.series.filter((p) => p.activeUsers > 0)).toEqual(exp!.nonZeroSeries);
        const days = parseDate(exp!.to)! - parseDate(exp!.from)! + 1;
        expect(got.series).toHaveLength(days);
        expect(got.series[0]?.date).toBe(exp!.from);
        expect(got.series.at(-1)?.date).toBe(exp!.to);
      });
    }

    it("answers the 7-day panel", async () => {
      const got = await getActivityPanel(store, orgId, { range: 7, asOf: expected.asOf, deployment });
      // Each user also carries users.id (the user page's link), which the example does not fix.
      expect({ ...got, mostActive: got.mostActive.map(({ id: _, ...u }) => u) }).toEqual(want.panel7);
      for (const u of got.mostActive) {
        const row = await store.db.selectFrom("users").select(["email", "org_id"]).where("id", "=", u.id).executeTakeFirstOrThrow();
        expect([row.email, row.org_id]).toEqual([u.email, orgId]);
      }
    });

    it("starts all-time at the first event's day", async () => {
      const got = await getActivity(store, orgId, { period: "all", asOf: expected.asOf, deployment });
      expect(got.from).toBe("2025-06-01");
      expect(got.to).toBe(expected.asOf);
      expect(got.totalActiveUsers).toBe(5);
    });
  });
}
