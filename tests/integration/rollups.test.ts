// The rollups kept at ingest (user_activity, user_block, day_activity, week_activity) and the queries
// that read them, against a reference computed from user_day in code: random activity
// ingested out of order, in small batches, partly twice; deletes and re-creates; asOf
// before, inside and after the data; both deployments. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockOf, isoWeekStart, isoWeeksOverlapping, panelBounds, periodBounds } from "@/lib/activity/calendar";
import { rankMostActive } from "@/lib/activity/most-active";
import { PERIODS, type PanelRange } from "@/lib/activity/types";
import { lifecycleState, type LifecycleRow } from "@/lib/activity/user-state";
import { dayNumber, formatDate, parseDate } from "@/lib/audit/timestamp";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import type { Deployment } from "@/lib/env";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { countActiveInDays, fetchGoneUserIds } from "@/lib/queries/activity-sql";
import { getActivity } from "@/lib/queries/get-activity";
import { getActivityPanel } from "@/lib/queries/get-activity-panel";
import { listUsers } from "@/lib/queries/list-users";
import { prng } from "../support/prng";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

/** Thrown to roll a transaction back. */
class RolledBack extends Error {}

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const DAY_MS = 86_400_000;
const FIRST = parseDate("2025-03-01")!;
const LAST = parseDate("2025-07-31")!;
const MT_START = parseDate("2025-05-08")!;
const USERS = 70;

describe(`rollups on ${testStoreKind()}`, () => {
  let store: Store;
  let orgId: number;

  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db, "default");
    const rand = prng(7);
    const lines: string[] = [];
    for (let u = 0; u < USERS; u++) {
      // Many near-daily users (ties at the top), some occasional, a few never active.
      const p = u < 40 ? 0.85 + rand() * 0.15 : u < 65 ? rand() * 0.3 : 0;
      for (let d = FIRST; d <= LAST; d++) {
        if (rand() >= p) continue;
        for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) {
          // Whole minutes, so ties on the last active time happen too.
          const ts = new Date(d * DAY_MS + Math.floor(rand() * 4) * 3_600_000).toISOString();
          const failed = rand() < 0.1;
          lines.push(JSON.stringify({ action: "user:login", timestamp: ts, actor_email: `u${u}@t.test`, ...(failed ? { response_code: 401 } : {}) }));
        }
      }
    }
    for (const [u, day, action] of [
      [3, "2025-06-10", "user:delete"],
      [4, "2025-05-01", "user:delete"],
      [4, "2025-05-20", "user:create"],
      [41, "2025-07-01", "user:permanently_delete"],
      [66, "2025-04-01", "user:delete"],
    ] as const) {
      lines.push(JSON.stringify({ action, timestamp: `${day}T12:00:00Z`, actor_email: "admin@t.test", user_email: `u${u}@t.test` }));
    }
    // Out of order, in small batches, a third of it twice.
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    const again = lines.slice(0, Math.floor(lines.length / 3));
    for (const part of [lines, again]) {
      const s = await ingestNdjson(store, orgId, chunksOf(part.join("\n")), { deployment: "self-managed", batchSize: 211 });
      expect(s.rejected).toEqual([]);
    }
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  async function reference() {
    const days = await store.db.selectFrom("user_day").select(["user_id", "day", "last_ts"]).where("org_id", "=", orgId).execute();
    const byUser = new Map<number, { day: number; last_ts: number }[]>();
    for (const r of days) {
      const list = byUser.get(r.user_id) ?? [];
      list.push({ day: Number(r.day), last_ts: Number(r.last_ts) });
      byUser.set(r.user_id, list);
    }
    const lifecycle = new Map<number, LifecycleRow[]>();
    for (const r of await store.db.selectFrom("user_lifecycle").select(["user_id", "seq", "ts", "action", "entity_name"]).execute()) {
      const list = lifecycle.get(r.user_id) ?? [];
      list.push({ seq: Number(r.seq), ts: Number(r.ts), action: r.action, entity_name: r.entity_name });
      lifecycle.set(r.user_id, list);
    }
    const users = await store.db.selectFrom("users").select(["id", "username", "email", "first_seen_at"]).execute();
    return { byUser, lifecycle, users };
  }

  it("keeps user_activity, day_activity and week_activity equal to user_day", async () => {
    const { byUser } = await reference();
    const summary = await store.db.selectFrom("user_activity").selectAll().execute();
    expect(summary.length).toBe(byUser.size);
    for (const s of summary) {
      const rows = byUser.get(s.user_id)!;
      const last = Math.max(...rows.map((r) => r.day));
      expect([s.days, s.early_days, s.first_day, s.last_day, s.last_ts, s.d7, s.d30, s.d90].map(Number)).toEqual([
        rows.length,
        rows.filter((r) => r.day < MT_START).length,
        Math.min(...rows.map((r) => r.day)),
        last,
        Math.max(...rows.map((r) => r.last_ts)),
        rows.filter((r) => r.day > last - 7).length,
        rows.filter((r) => r.day > last - 30).length,
        rows.filter((r) => r.day > last - 90).length,
      ]);
    }
    const perDay = new Map<number, number>();
    const perWeek = new Map<number, Set<number>>();
    for (const [user, rows] of byUser) {
      for (const r of rows) {
        perDay.set(r.day, (perDay.get(r.day) ?? 0) + 1);
        const w = isoWeekStart(r.day);
        perWeek.set(w, (perWeek.get(w) ?? new Set()).add(user));
      }
    }
    const dayRows = await store.db.selectFrom("day_activity").select(["day", "users"]).execute();
    expect(new Map(dayRows.map((r) => [Number(r.day), Number(r.users)]))).toEqual(perDay);
    const weekRows = await store.db.selectFrom("week_activity").select(["week", "users"]).execute();
    expect(new Map(weekRows.map((r) => [Number(r.week), Number(r.users)]))).toEqual(new Map([...perWeek].map(([w, s]) => [w, s.size])));
    const perBlock = new Map<string, [number, number]>();
    for (const [user, rows] of byUser) {
      for (const r of rows) {
        const key = `${user}:${blockOf(r.day)}`;
        const cur = perBlock.get(key);
        perBlock.set(key, cur ? [Math.min(cur[0], r.day), Math.max(cur[1], r.day)] : [r.day, r.day]);
      }
    }
    const blockRows = await store.db.selectFrom("user_block").selectAll().where("org_id", "=", orgId).execute();
    expect(new Map(blockRows.map((b) => [`${b.user_id}:${b.block}`, [Number(b.first_day), Number(b.last_day)]]))).toEqual(perBlock);
  });

  it("counts the users active in any window as the reference does, a window with activity on both sides from user_block", async () => {
    const { byUser } = await reference();
    for (let from = FIRST - 10; from <= LAST + 5; from += 3) {
      for (const length of [1, 7, 30, 33, 93]) {
        const to = from + length - 1;
        const gone = await fetchGoneUserIds(store, orgId, to);
        const expected = [...byUser].filter(([user, rows]) => !gone.includes(user) && rows.some((r) => r.day >= from && r.day <= to)).length;
        const count = async (db: typeof store.db) => Number((await countActiveInDays(orgId, { from, to }, gone, to).execute(db)).rows[0]!.n);
        expect(await count(store.db), `${formatDate(from)}..${formatDate(to)}`).toBe(expected);
        // Which summary answered: without user_block rows, a window inside the history counts
        // nobody, one that reaches either end is still counted from user_activity.
        const inside = from > FIRST && to < LAST;
        await store.db
          .transaction()
          .execute(async (trx) => {
            await trx.deleteFrom("user_block").execute();
            expect(await count(trx), `${formatDate(from)}..${formatDate(to)} without user_block`).toBe(inside ? 0 : expected);
            throw new RolledBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RolledBack)) throw error;
          });
      }
    }
  }, 120_000);

  const asOfs = ["2025-04-15", "2025-05-10", "2025-06-30", "2025-07-31", "2025-08-03"];
  const deployments: Deployment[] = ["self-managed", "multi-tenant"];

  it("answers every period, panel range and user as the reference does", async () => {
    const { byUser, lifecycle, users } = await reference();
    const firstSeen = Math.min(...users.filter((u) => u.first_seen_at !== null).map((u) => Number(u.first_seen_at)));
    for (const asOf of asOfs) {
      const asOfDay = parseDate(asOf)!;
      const gone = new Set([...lifecycle].filter(([, rows]) => lifecycleState(rows, asOfDay).gone).map(([id]) => id));
      for (const deployment of deployments) {
        const start = deployment === "multi-tenant" ? MT_START : -Infinity;
        const inRange = (from: number, to: number) => {
          const out = new Map<number, { days: number; last: number; list: number[] }>();
          for (const [user, rows] of byUser) {
            if (gone.has(user)) continue;
            for (const r of rows) {
              if (r.day < from || r.day > to || r.day < start) continue;
              const cur = out.get(user) ?? { days: 0, last: 0, list: [] };
              cur.days++;
              cur.last = Math.max(cur.last, r.last_ts);
              cur.list.push(r.day);
              out.set(user, cur);
            }
          }
          return out;
        };
        const label = `${asOf} ${deployment}`;

        for (const period of PERIODS) {
          const range = periodBounds(period, asOfDay, dayNumber(firstSeen), deployment);
          const active = inRange(range.from, range.to);
          const got = await getActivity(store, orgId, { period, asOf, deployment });
          expect(got.totalActiveUsers, `${label} ${period} total`).toBe(active.size);
          const series = got.series.map((p) => [p.date, p.activeUsers]);
          const expected: [string, number][] = [];
          for (let d = range.from; d <= range.to; d++) expected.push([formatDate(d), [...active.values()].filter((a) => a.list.includes(d)).length]);
          expect(series, `${label} ${period} series`).toEqual(expected);
        }

        for (const n of [7, 30, 90] as PanelRange[]) {
          const range = panelBounds(n, asOfDay);
          const active = inRange(range.from, range.to);
          const got = await getActivityPanel(store, orgId, { range: n, asOf, deployment });
          // Few candidates per round: the ranking must widen its search until it is sure.
          expect(await getActivityPanel(store, orgId, { range: n, asOf, deployment }, { firstCandidates: 3 }), `${label} panel ${n} in rounds`).toEqual(got);
          expect(got.activeUserCount, `${label} panel ${n} count`).toBe(active.size);
          const weekly = isoWeeksOverlapping(range).map((w) => ({
            weekStart: formatDate(w),
            activeUsers: [...active.values()].filter((a) => a.list.some((d) => d >= w && d <= w + 6)).length,
          }));
          expect(got.weekly, `${label} panel ${n} weekly`).toEqual(weekly);
          const names = new Map(users.map((u) => [u.id, u]));
          const expectedTop = rankMostActive(
            [...active].map(([id, a]) => ({
              userId: id,
              username: names.get(id)!.username,
              email: names.get(id)!.email,
              activeDays: a.days,
              lastActiveMs: a.last,
            })),
          );
          expect(got.mostActive, `${label} panel ${n} most active`).toEqual(expectedTop);
        }

        const listed = await listUsers(store, orgId, { asOf, deployment });
        // The same answer when read 7 users per page, and the days up to a past asOf 3 users per statement.
        expect(await listUsers(store, orgId, { asOf, deployment }, { page: 7, laterChunk: 3 }), `${label} in pages`).toEqual(listed);
        const idByEmail = new Map(users.map((u) => [u.email, u.id]));
        for (const row of listed) {
          const rows = (byUser.get(idByEmail.get(row.email)!) ?? []).filter((r) => r.day <= asOfDay && r.day >= start);
          expect([row.email, row.activeDays, row.lastActive], `${label} user`).toEqual([
            row.email,
            rows.length,
            rows.length === 0 ? null : new Date(Math.max(...rows.map((r) => r.last_ts))).toISOString(),
          ]);
        }
      }
    }
  }, 120_000);
});
