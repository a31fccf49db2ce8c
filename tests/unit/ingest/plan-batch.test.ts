// The ingest planner (lib/ingest/plan-batch.ts, rollup-plan.ts): pure decisions from a batch
// and injected lookups, checked against hand-computed cases.
import { describe, expect, it } from "vitest";
import { normalizeEvent, type NormalizedEvent } from "@/lib/audit/event";
import type { KnownUser } from "@/lib/ingest/identity";
import { planEvents, type EventLookups } from "@/lib/ingest/plan-batch";
import { planRollups } from "@/lib/ingest/rollup-plan";
import { GENESIS_CHAIN, nextChain } from "@/lib/trust/chain";

const ev = (o: Record<string, unknown>): NormalizedEvent => {
  const r = normalizeEvent({ action: "user:login", ...o });
  if (!r.ok) throw new Error(r.error);
  return r.event;
};
const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
const HEAD = { lastSeq: 10, chainHead: "ab".repeat(32) };

function lookups(users: KnownUser[], stored: string[] = []): EventLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    isStored: (key) => stored.includes(key),
    byId: (id) => (asked.push(`id:${id}`), users.find((u) => u.external_id === id) ?? null),
    byEmail: (key) => (asked.push(`email:${key}`), users.find((u) => u.email_key === key) ?? null),
  };
}

describe("planEvents", () => {
  it("first occurrence wins, stored events are duplicates, sequence and chain continue the head", () => {
    const a = ev({ timestamp: "2026-03-01T10:00:00Z", actor_email: "a@x.test" });
    const b = ev({ timestamp: "2026-03-01T11:00:00Z", actor_email: "b@x.test" });
    const c = ev({ timestamp: "2026-03-01T12:00:00Z", actor_email: "c@x.test" });
    const plan = planEvents({ events: [a, b, a, c], head: HEAD, now: 99 }, lookups([], [b.dedupeKey]));
    expect(plan.rows.map((r) => [r.seq, r.dedupe_key])).toEqual([
      [11, a.dedupeKey],
      [12, c.dedupeKey],
    ]);
    expect(plan.duplicates).toBe(2);
    expect(plan.stored).toEqual([a, c]);
    const first = nextChain(HEAD.chainHead, 11, a.dedupeKey);
    expect(plan.rows[0]!.chain).toBe(first);
    expect(plan.rows[1]!.chain).toBe(nextChain(first, 12, c.dedupeKey));
    expect(plan.head).toEqual({ lastSeq: 12, chainHead: plan.rows[1]!.chain });
    expect(plan.rows.every((r) => r.ingested_at === 99)).toBe(true);
  });

  it("resolves identities by id, then email (case-insensitively), learning the missing key, creating the rest", () => {
    const users: KnownUser[] = [
      { id: 1, external_id: "U1", email_key: null, first_seen_at: Date.parse("2026-01-01T00:00:00Z"), first_invited_at: null },
      { id: 2, external_id: null, email_key: "bo@x.test", first_seen_at: null, first_invited_at: null },
      { id: 3, external_id: "U3", email_key: "cy@x.test", first_seen_at: null, first_invited_at: null },
      { id: 4, external_id: null, email_key: "taken@x.test", first_seen_at: null, first_invited_at: null },
    ];
    const l = lookups(users);
    const plan = planEvents(
      {
        events: [
          ev({ timestamp: "2026-03-01T10:00:00Z", actor_user_id: "U1", actor_email: "Ana@X.test" }), // U1 learns ana@
          ev({ timestamp: "2026-03-01T10:01:00Z", actor_user_id: "B7", actor_email: "BO@x.test" }), // bo@ learns B7
          ev({ timestamp: "2026-03-01T10:02:00Z", actor_user_id: "U3", actor_email: "taken@x.test" }), // U3 keeps cy@
          ev({ timestamp: "2026-03-01T10:03:00Z", actor_user_id: "N1", actor_email: "new@x.test" }), // new -1
          ev({ timestamp: "2026-03-01T10:04:00Z", actor_email: "NEW@x.test", user_asset: "N2" }), // -1 again; target new -2 (id only)
          ev({ timestamp: "2026-03-01T10:05:00Z", actor_user_id: "N2", actor_email: "n2@x.test" }), // -2 learns n2@
          ev({ timestamp: "2026-03-01T10:06:00Z" }), // nobody
        ],
        head: HEAD,
        now: 0,
      },
      l,
    );
    expect(plan.rows.map((r) => [r.actor_id, r.target_id])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [-1, null],
      [-1, -2],
      [-2, null],
      [null, null],
    ]);
    const t = (iso: string) => Date.parse(iso);
    expect(plan.newUsers).toEqual([
      { id: -1, external_id: "N1", email: "new@x.test", email_key: "new@x.test", first_seen_at: t("2026-03-01T10:03:00Z"), first_invited_at: null },
      { id: -2, external_id: "N2", email: "n2@x.test", email_key: "n2@x.test", first_seen_at: t("2026-03-01T10:04:00Z"), first_invited_at: null },
    ]);
    expect(plan.userUpdates).toEqual([
      // U1 had an earlier first_seen_at: only the email is learned.
      { id: 1, external_id: "U1", email: "Ana@X.test", email_key: "ana@x.test", first_seen_at: t("2026-01-01T00:00:00Z"), first_invited_at: null },
      { id: 2, external_id: "B7", email_key: "bo@x.test", first_seen_at: t("2026-03-01T10:01:00Z"), first_invited_at: null },
      { id: 3, external_id: "U3", email_key: "cy@x.test", first_seen_at: t("2026-03-01T10:02:00Z"), first_invited_at: null },
    ]);
    // Each key is asked of the store at most once.
    expect(new Set(l.asked).size).toBe(l.asked.length);
  });

  it("feeds user_day with active events only, and records lifecycle rows and first invitations", () => {
    const users: KnownUser[] = [{ id: 7, external_id: null, email_key: "root@x.test", first_seen_at: null, first_invited_at: null }];
    const plan = planEvents(
      {
        events: [
          ev({ timestamp: "2026-03-01T23:30:00-02:00", actor_email: "root@x.test", response_code: 200 }), // 2026-03-02 UTC
          ev({ timestamp: "2026-03-02T05:00:00Z", actor_email: "root@x.test", response_code: 401 }), // failed: not active
          ev({ timestamp: "2026-03-02T06:00:00Z", actor_email: "root@x.test" }),
          ev({ action: "team:invite_user", timestamp: "2026-03-03T00:00:00Z", actor_email: "root@x.test", user_email: "di@x.test", entity_name: "vision" }),
          ev({ action: "user:deactivate", timestamp: "2026-03-04T00:00:00Z", user_email: "di@x.test" }),
        ],
        head: { lastSeq: 0, chainHead: GENESIS_CHAIN },
        now: 0,
      },
      lookups(users),
    );
    expect(plan.days).toEqual([
      { user_id: 7, day: day("2026-03-02T00:00:00Z"), events: 2, first_ts: Date.parse("2026-03-02T01:30:00Z"), last_ts: Date.parse("2026-03-02T06:00:00Z") },
      { user_id: 7, day: day("2026-03-03T00:00:00Z"), events: 1, first_ts: Date.parse("2026-03-03T00:00:00Z"), last_ts: Date.parse("2026-03-03T00:00:00Z") },
    ]);
    expect(plan.lifecycle).toEqual([
      { user_id: -1, seq: 4, ts: Date.parse("2026-03-03T00:00:00Z"), action: "team:invite_user", entity_name: "vision" },
      { user_id: -1, seq: 5, ts: Date.parse("2026-03-04T00:00:00Z"), action: "user:deactivate", entity_name: null },
    ]);
    expect(plan.newUsers[0]).toMatchObject({
      email_key: "di@x.test",
      first_seen_at: Date.parse("2026-03-03T00:00:00Z"),
      first_invited_at: Date.parse("2026-03-03T00:00:00Z"),
    });
  });
});

describe("planRollups", () => {
  it("tells new user-days from grown ones, counts new weeks, early days and the users to recount", () => {
    const d = (iso: string) => day(`${iso}T00:00:00Z`);
    const existing = new Set([`5:${d("2026-03-02")}`]);
    const weeksWithDays = new Set([`5:${d("2026-03-02")}`]); // Monday 2026-03-02
    const asked: string[] = [];
    const plan = planRollups(
      [
        { user_id: 5, day: d("2026-03-02"), events: 2, first_ts: 1, last_ts: 2 }, // grown
        { user_id: 5, day: d("2026-03-04"), events: 1, first_ts: 3, last_ts: 4 }, // new, in a week that had days
        { user_id: 5, day: d("2026-03-10"), events: 1, first_ts: 5, last_ts: 6 }, // new, new week
        { user_id: 6, day: d("2025-05-07"), events: 1, first_ts: 7, last_ts: 8 }, // new, early (before 2025-05-08)
        { user_id: -1, day: d("2026-03-04"), events: 3, first_ts: 9, last_ts: 10 }, // a new user: never looked up
      ],
      {
        userDayExists: (u, dd) => (asked.push(`day ${u}`), existing.has(`${u}:${dd}`)),
        weekHadDays: (u, w) => (asked.push(`week ${u}`), weeksWithDays.has(`${u}:${w}`)),
      },
    );
    expect(plan.userDays.map((x) => x.isNew)).toEqual([false, true, true, true, true]);
    expect(asked.filter((a) => a.includes("-1"))).toEqual([]);
    expect(plan.userActivity).toEqual([
      { user_id: 5, days: 2, early_days: 0, first_day: d("2026-03-02"), last_day: d("2026-03-10"), last_ts: 6 },
      { user_id: 6, days: 1, early_days: 1, first_day: d("2025-05-07"), last_day: d("2025-05-07"), last_ts: 8 },
      { user_id: -1, days: 1, early_days: 0, first_day: d("2026-03-04"), last_day: d("2026-03-04"), last_ts: 10 },
    ]);
    expect(plan.recount).toEqual([5, 6, -1]);
    expect(plan.dayActivity).toEqual([
      { day: d("2026-03-04"), users: 2 },
      { day: d("2026-03-10"), users: 1 },
      { day: d("2025-05-07"), users: 1 },
    ]);
    // Week of 03-02: user 5 had days there, so only the new user counts; week of 03-09: user 5.
    expect(plan.weekActivity).toEqual([
      { week: d("2026-03-02"), users: 1 },
      { week: d("2026-03-09"), users: 1 },
      { week: d("2025-05-05"), users: 1 },
    ]);
  });
});
