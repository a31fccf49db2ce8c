// The Activity Panel with an asOf in the past (users active after the range, which no
// rollup bounds) against a reference computed here from the raw events themselves (SPEC §4:
// an active event has no response_code or one below 400, UTC days, nothing after the asOf
// day, users whose latest lifecycle event up to then is a delete left out). A year of
// activity, ingested shuffled; every range, several asOf before, at and after its end, both
// deployments. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PanelRange } from "@/lib/activity/types";
import { formatDate, formatTimestamp, parseDate } from "@/lib/audit/timestamp";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import type { Deployment } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { prng } from "../support/prng";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const DAY_MS = 86_400_000;
const FIRST = parseDate("2025-01-01")!;
const LAST = parseDate("2025-12-31")!;
const MT_START = parseDate("2025-05-08")!;
const USERS = 48;

interface RawEvent {
  action: string;
  timestamp: string;
  actor_email: string;
  user_email?: string;
  response_code?: number;
}

/** An RFC 3339 time of `ms` written in the given offset (minutes east of UTC). */
function withOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

describe(`activity panel with a past asOf on ${testStoreKind()}`, () => {
  let store: Store;
  let orgId: number;
  const events: RawEvent[] = [];

  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db, "default");
    const rand = prng(11);
    for (let u = 0; u < USERS; u++) {
      const email = `p${String(u).padStart(2, "0")}@past.test`;
      // Near-daily users (ties at the top, most of them active after any past range), some
      // occasional, some only in the first or the second half of the year, two never active.
      const p = u < 22 ? 0.8 + rand() * 0.2 : u < 38 ? rand() * 0.35 : u < 46 ? 0.7 : 0;
      const from = u >= 38 && u < 42 ? parseDate("2025-07-01")! : FIRST;
      const to = u >= 42 && u < 46 ? parseDate("2025-06-15")! : LAST;
      for (let d = from; d <= to; d++) {
        if (rand() >= p) continue;
        for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
          // Whole hours (ties on the last active time too), in offsets that move the event to
          // the UTC day before or after its local date.
          const ms = d * DAY_MS + Math.floor(rand() * 24) * 3_600_000;
          const offset = [0, 0, 330, -480, 600][Math.floor(rand() * 5)]!;
          const r = rand();
          const code = r < 0.1 ? 401 : r < 0.15 ? 500 : r < 0.2 ? 400 : r < 0.3 ? 399 : r < 0.4 ? 200 : undefined;
          events.push({
            action: r < 0.5 ? "user:login" : "run:update",
            timestamp: withOffset(ms, offset),
            actor_email: email,
            ...(code === undefined ? {} : { response_code: code }),
          });
        }
      }
    }
    // Users 0 and 1 (near daily) and 25 are deleted; 0 comes back; 1 is deleted for good.
    for (const [u, day, action] of [
      [0, "2025-05-20", "user:delete"],
      [0, "2025-09-01", "user:create"],
      [1, "2025-08-15", "user:delete"],
      [1, "2025-10-10", "user:permanently_delete"],
      [25, "2025-03-01", "user:delete"],
      [5, "2025-02-01", "user:deactivate"],
    ] as const) {
      events.push({ action, timestamp: `${day}T12:34:56Z`, actor_email: "admin@past.test", user_email: `p${String(u).padStart(2, "0")}@past.test` });
    }
    const lines = events.map((e) => JSON.stringify(e));
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    const summary = await ingestNdjson(store, orgId, chunksOf(lines.join("\n")), { deployment: "self-managed", batchSize: 997 });
    expect(summary.rejected).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  /** The panel as SPEC §4 defines it, from the raw events. */
  function reference(asOf: string, n: PanelRange, deployment: Deployment, names: Map<string, { id: number; username: string | null }>) {
    const asOfDay = parseDate(asOf)!;
    const end = (asOfDay + 1) * DAY_MS;
    const from = Math.max(asOfDay - n + 1, deployment === "multi-tenant" ? MT_START : -Infinity);
    const lastLifecycle = new Map<string, { ms: number; action: string }>();
    const days = new Map<string, Map<number, number>>(); // email → day → last active ms that day
    for (const e of events) {
      const ms = Date.parse(e.timestamp);
      if (ms >= end) continue;
      if (e.user_email !== undefined) {
        const prev = lastLifecycle.get(e.user_email);
        if (!prev || ms > prev.ms) lastLifecycle.set(e.user_email, { ms, action: e.action });
      }
      if (e.response_code !== undefined && e.response_code >= 400) continue;
      const day = Math.floor(ms / DAY_MS);
      if (day < from || day > asOfDay) continue;
      const byDay = days.get(e.actor_email) ?? new Map<number, number>();
      byDay.set(day, Math.max(byDay.get(day) ?? 0, ms));
      days.set(e.actor_email, byDay);
    }
    const gone = (email: string) => ["user:delete", "user:permanently_delete"].includes(lastLifecycle.get(email)?.action ?? "");
    const active = [...days].filter(([email]) => !gone(email));

    const weekly: { weekStart: string; activeUsers: number }[] = [];
    const rangeFrom = asOfDay - n + 1;
    const monday = rangeFrom - ((new Date(rangeFrom * DAY_MS).getUTCDay() + 6) % 7);
    for (let w = monday; w <= asOfDay; w += 7) {
      weekly.push({ weekStart: formatDate(w), activeUsers: active.filter(([, byDay]) => [...byDay.keys()].some((d) => d >= w && d <= w + 6)).length });
    }

    const ranked = active
      .map(([email, byDay]) => ({ email, activeDays: byDay.size, lastMs: Math.max(...byDay.values()), ...names.get(email)! }))
      .sort((a, b) => {
        if (a.activeDays !== b.activeDays) return b.activeDays - a.activeDays;
        if (a.lastMs !== b.lastMs) return b.lastMs - a.lastMs;
        const an = a.username ?? a.email;
        const bn = b.username ?? b.email;
        return an < bn ? -1 : an > bn ? 1 : a.id - b.id;
      })
      .slice(0, 10)
      .map((u) => ({ id: u.id, username: u.username, email: u.email, activeDays: u.activeDays, lastActive: formatTimestamp(u.lastMs) }));
    return { from: formatDate(rangeFrom), to: asOf, activeUserCount: active.length, weekly, mostActive: ranked };
  }

  // Past (users active after the range, a delete in effect or not yet), the last day of the
  // data, and after it; a range clipped by the multi-tenant start in multi-tenant mode.
  const asOfs = ["2025-03-10", "2025-06-01", "2025-08-20", "2025-10-31", "2025-12-30", "2025-12-31", "2026-01-06"];

  it("answers every range and deployment as the raw events do", async () => {
    const users = await store.db.selectFrom("users").select(["id", "username", "email"]).where("org_id", "=", orgId).execute();
    const names = new Map(users.map((u) => [u.email!, { id: Number(u.id), username: u.username }]));
    let pastWithTies = 0;
    for (const asOf of asOfs) {
      for (const deployment of ["self-managed", "multi-tenant"] as Deployment[]) {
        for (const n of [7, 30, 90] as PanelRange[]) {
          const label = `${asOf} ${deployment} ${n}`;
          const expected = reference(asOf, n, deployment, names);
          const got = await getActivityPanel(store, orgId, { range: n, asOf, deployment });
          expect(got, label).toEqual(expected);
          expect(await getActivityPanel(store, orgId, { range: n, asOf, deployment }, { firstCandidates: 3 }), `${label} in rounds`).toEqual(got);
          const top = got.mostActive;
          if (top.length === 10 && top.some((u, i) => i > 0 && u.activeDays === top[i - 1]!.activeDays)) pastWithTies++;
        }
      }
    }
    // The data does reach what the test is about: full top tens with ties on days.
    expect(pastWithTies).toBeGreaterThan(10);
  }, 120_000);
});
