// Query-level timing of the dashboard's reads, without ingest or HTTP: fills a store with
// synthetic users and user_day rows (and the rollups ingest would keep), then times
// listUsers / getActivity / getActivityPanel in-process. For quick iterations on the
// queries; `npm run bench` measures the routes on really ingested events.
//   node --conditions=react-server --import tsx/esm scripts/bench-queries.ts \
//     [--store file:.bench/q.db | postgres://...] [--users 10000] [--rows 1200000] [--fill] [--runs 15]
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { openStore, type Store } from "../lib/db/client";
import { ensureOrg } from "../lib/db/orgs";
import { getActivity } from "../lib/queries/get-activity";
import { getActivityPanel } from "../lib/queries/get-activity-panel";
import { prng } from "../tests/support/prng";
import { listUsers } from "../lib/queries/list-users";
import { formatDate, parseDate } from "../lib/audit/timestamp";
import { activityStartDay, BLOCK_DAYS } from "../lib/activity/calendar";

const { values } = parseArgs({
  options: {
    store: { type: "string", default: "file:.bench/queries.db" },
    users: { type: "string", default: "10000" },
    rows: { type: "string", default: "1200000" },
    end: { type: "string", default: "2026-11-25" },
    fill: { type: "boolean", default: false },
    runs: { type: "string", default: "15" },
    deployment: { type: "string", default: "self-managed" },
    asOf: { type: "string", multiple: true },
  },
});
const DAY_MS = 86_400_000;
const endDay = parseDate(values.end!)!;

async function fill(store: Store, orgId: number): Promise<void> {
  const users = Number(values.users);
  const target = Number(values.rows);
  const rand = prng(42);
  const days = 730;
  const first = endDay - days + 1;
  // Per user: a start day (a third from the beginning), a quit day for some, and a daily
  // activity probability skewed so a few users are active most days.
  const plan = Array.from({ length: users }, () => {
    const start = rand() < 0.33 ? first : first + Math.floor(rand() * days);
    const stop = rand() < 0.2 ? start + Math.floor(rand() * (endDay - start + 1)) : endDay;
    return { start, stop, p: rand() ** 2 };
  });
  const expected = plan.reduce((s, u) => s + (u.stop - u.start + 1) * u.p, 0);
  const scale = target / expected;
  const userRows = plan.map((_, i) => ({
    org_id: orgId,
    email: `user${i}@bench.test`,
    email_key: `user${i}@bench.test`,
    username: `user${i}`,
    name: `User ${i}`,
    role: "member",
    teams: JSON.stringify([`team${i % 50}`]),
    reports: i % 7,
    runs: i % 13,
    in_directory: 1,
    first_seen_at: plan[i]!.start * DAY_MS,
  }));
  const ids: number[] = [];
  for (let i = 0; i < userRows.length; i += 500) {
    const r = await store.db
      .insertInto("users")
      .values(userRows.slice(i, i + 500))
      .returning("id")
      .execute();
    ids.push(...r.map((x) => Number(x.id)));
  }
  let batch: { org_id: number; user_id: number; day: number; events: number; first_ts: number; last_ts: number }[] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.db.insertInto("user_day").values(batch).execute();
    total += batch.length;
    batch = [];
  };
  for (let i = 0; i < users; i++) {
    const u = plan[i]!;
    const p = Math.min(1, u.p * scale);
    for (let d = u.start; d <= u.stop; d++) {
      if (rand() >= p) continue;
      const t = d * DAY_MS + Math.floor(rand() * DAY_MS);
      batch.push({ org_id: orgId, user_id: ids[i]!, day: d, events: 1 + Math.floor(rand() * 20), first_ts: t, last_ts: t });
      if (batch.length >= (store.dialect === "postgres" ? 5000 : 2000)) await flush();
    }
  }
  await flush();
  // 1% of users deleted at some point, a tenth of those re-created later.
  let seq = 1;
  for (let i = 0; i < users; i += 100) {
    const u = plan[i]!;
    const ts = (u.stop + 1) * DAY_MS;
    await store.db.insertInto("user_lifecycle").values({ org_id: orgId, user_id: ids[i]!, seq: seq++, ts, action: "user:delete", entity_name: null }).execute();
    if (i % 1000 === 0)
      await store.db
        .insertInto("user_lifecycle")
        .values({ org_id: orgId, user_id: ids[i]!, seq: seq++, ts: ts + 5 * DAY_MS, action: "user:create", entity_name: null })
        .execute();
  }
  // The rollups ingest keeps, computed from user_day.
  const early = activityStartDay("multi-tenant")!;
  await sql`INSERT INTO user_activity (org_id, user_id, days, early_days, first_day, last_day, last_ts)
    SELECT org_id, user_id, COUNT(*), SUM(CASE WHEN day < ${early} THEN 1 ELSE 0 END), MIN(day), MAX(day), MAX(last_ts)
    FROM user_day WHERE org_id = ${orgId} GROUP BY org_id, user_id`.execute(store.db);
  await sql`INSERT INTO day_activity (org_id, day, users) SELECT org_id, day, COUNT(*) FROM user_day WHERE org_id = ${orgId} GROUP BY org_id, day`.execute(
    store.db,
  );
  await sql`UPDATE user_activity SET (d7, d30, d90) = (
    SELECT SUM(CASE WHEN ud.day > user_activity.last_day - 7 THEN 1 ELSE 0 END), SUM(CASE WHEN ud.day > user_activity.last_day - 30 THEN 1 ELSE 0 END), COUNT(*)
    FROM user_day ud WHERE ud.org_id = user_activity.org_id AND ud.user_id = user_activity.user_id AND ud.day > user_activity.last_day - 90)
    WHERE org_id = ${orgId}`.execute(store.db);
  await sql`INSERT INTO user_block (org_id, block, user_id, first_day, last_day)
    SELECT org_id, day / ${sql.lit(BLOCK_DAYS)}, user_id, MIN(day), MAX(day) FROM user_day WHERE org_id = ${orgId} GROUP BY org_id, day / ${sql.lit(BLOCK_DAYS)}, user_id`.execute(
    store.db,
  );
  await sql`INSERT INTO week_activity (org_id, week, users)
    SELECT org_id, week, COUNT(*) FROM (SELECT DISTINCT org_id, user_id, day - (((day + 3) % 7) + 7) % 7 AS week FROM user_day WHERE org_id = ${orgId}) w
    GROUP BY org_id, week`.execute(store.db);
  if (store.dialect === "postgres") await sql`ANALYZE`.execute(store.db);
  else await sql`ANALYZE`.execute(store.db);
  process.stderr.write(`filled ${users} users, ${total} user_day rows\n`);
}

/**
 * Wall time and this process's CPU time per call: on a busy machine the CPU time (the
 * SQLite work runs in-process) is the steadier measure of the work a query does.
 */
async function time(label: string, runs: number, fn: () => Promise<string>): Promise<void> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let detail = "";
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    detail = await fn();
    const used = process.cpuUsage(c);
    if (i >= 2) {
      wall.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)]!;
  process.stdout.write(
    `${label.padEnd(26)} wall median ${med(wall).toFixed(1).padStart(7)} ms  p95 ${p95(wall).toFixed(1).padStart(7)} ms  cpu median ${med(cpu).toFixed(1).padStart(7)} ms  ${detail}\n`,
  );
}

async function main(): Promise<void> {
  const store = await openStore(values.store!);
  try {
    const orgId = await ensureOrg(store.db, "default");
    if (values.fill) await fill(store, orgId);
    const runs = Number(values.runs);
    const deployment = values.deployment as "self-managed" | "multi-tenant";
    const asOfs = values.asOf ?? [formatDate(endDay + 2), formatDate(endDay - 365)];
    for (const asOf of asOfs) {
      process.stdout.write(`\n${store.dialect}, asOf ${asOf}, ${deployment}\n`);
      await time("listUsers", runs, async () => `${(await listUsers(store, orgId, { asOf, deployment })).length} users`);
      for (const period of ["30d", "3m", "6m", "12m", "all"] as const) {
        await time(`getActivity ${period}`, runs, async () => `${(await getActivity(store, orgId, { period, asOf, deployment })).totalActiveUsers} active`);
      }
      for (const range of [7, 30, 90] as const) {
        await time(
          `getActivityPanel ${range}`,
          runs,
          async () => `${(await getActivityPanel(store, orgId, { range, asOf, deployment })).activeUserCount} active`,
        );
      }
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
