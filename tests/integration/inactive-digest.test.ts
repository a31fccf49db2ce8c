// The weekly digest of users who crossed the six-month line (SPEC §4), on a real store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCompleteWeek, queueInactiveDigests, usersWentInactive } from "@/lib/alerts/inactive-digest";
import { resetSecretKeyCache } from "@/lib/alerts/secret-box";
import { saveRules, saveSlackWebhook } from "@/lib/alerts/settings";
import { DEFAULT_RULES } from "@/lib/alerts/rules";
import { formatDate, parseDate } from "@/lib/audit/timestamp";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { resetEnvCache } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const saved = { ...process.env };
let store: Store;
let orgId = 0;

async function* lines(events: Record<string, unknown>[]): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(events.map((e) => JSON.stringify(e)).join("\n"));
}

describe(`weekly inactivity digest on ${testStoreKind()}`, () => {
  beforeAll(async () => {
    process.env.ORGTRAIL_SECRET_KEY = Buffer.alloc(32, 3).toString("base64");
    resetEnvCache();
    resetSecretKeyCache();
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db);
    const login = (email: string, day: string, extra: Record<string, unknown> = {}) => ({
      action: "user:login",
      actor_email: email,
      timestamp: `${day}T12:00:00Z`,
      ...extra,
    });
    await ingestNdjson(
      store,
      orgId,
      lines([
        login("crossed@acme.test", "2025-09-22"),
        login("crossed-late@acme.test", "2025-09-28"),
        login("still-active@acme.test", "2025-09-29"),
        login("long-gone@acme.test", "2025-09-21"),
        login("deactivated@acme.test", "2025-09-25"),
        { action: "user:deactivate", actor_email: "root@acme.test", user_email: "deactivated@acme.test", timestamp: "2025-10-01T00:00:00Z" },
        login("failed@acme.test", "2025-09-24", { response_code: 401 }),
      ]),
      { deployment: "self-managed" },
    );
  });
  afterAll(async () => {
    await store.close();
    process.env = saved;
    resetEnvCache();
    resetSecretKeyCache();
  });

  it("the week is the last complete Monday-to-Sunday week", () => {
    const w = lastCompleteWeek(parseDate("2026-03-30")!); // a Monday
    expect([formatDate(w.start), formatDate(w.end)]).toEqual(["2026-03-23", "2026-03-29"]);
    const w2 = lastCompleteWeek(parseDate("2026-04-05")!); // a Sunday
    expect([formatDate(w2.start), formatDate(w2.end)]).toEqual(["2026-03-23", "2026-03-29"]);
  });

  it("lists the users active before the week and inactive at its end", async () => {
    const users = await usersWentInactive(store, orgId, lastCompleteWeek(parseDate("2026-03-30")!), "self-managed");
    expect(users.map((u) => u.email)).toEqual(["crossed@acme.test", "crossed-late@acme.test"]);
  });

  it("queues one digest per week, only when the rule is on and Slack is connected", async () => {
    const today = parseDate("2026-03-31")!;
    await saveRules(store.db, orgId, { ...DEFAULT_RULES, inactiveDigest: { enabled: true } });
    expect(await queueInactiveDigests(store, today, "self-managed")).toBe(0);
    await saveSlackWebhook(store.db, orgId, { url: "https://hooks.slack.com/services/T/B/X", channel: "#a", team: null });
    expect(await queueInactiveDigests(store, today, "self-managed")).toBe(1);
    expect(await queueInactiveDigests(store, today, "self-managed")).toBe(0);
    const row = await store.db.selectFrom("alert_outbox").selectAll().executeTakeFirstOrThrow();
    expect(row.dedupe_key).toBe("inactive_digest:2026-03-23");
    expect(row.payload).toContain("2 users went inactive");
    const message = JSON.parse(row.payload) as { blocks: { type: string; text?: { text: string } }[] };
    // The week's list: who crossed the line (still-active@ did not).
    const wentInactive = message.blocks[1]!.text!.text;
    expect(wentInactive).toContain("crossed@acme.test");
    expect(wentInactive).not.toContain("still-active");
    // Then the dormant seats worklist as of the week's last day (2026-03-29), at 90 days: every
    // user last active before 2025-12-29 (root@ too: the deactivation was its activity) but the
    // deactivated one, who is on no team; failed@ never succeeded, so is a pending invite,
    // added with its first event on 2025-09-24.
    const seats = message.blocks
      .slice(2)
      .map((b) => b.text?.text ?? "")
      .join("\n");
    expect(seats).toContain("*Dormant seats* as of `2026-03-29`");
    expect(seats).toContain("*Inactive for more than 90 days:* 5 users");
    for (const email of ["long-gone", "crossed", "crossed-late", "still-active", "root"]) expect(seats).toContain(`\`${email}@acme.test\``);
    expect(seats).not.toContain("deactivated@acme.test");
    expect(seats).toContain("*Invites pending for more than 30 days:* 1 user\n• `failed@acme.test` · `added 2025-09-24`");
    expect(seats).toContain("*Deactivated users still on teams:* 0 users");
  });
});
