/**
 * The PostgreSQL executor of the ingest plan (lib/ingest/plan-batch.ts), on one pooled
 * connection in one transaction: the planner's lookups are answered by a few bulk reads
 * made beforehand (PostgreSQL has no cheap point reads from the client), then the plan is
 * written with a fixed number of statements whatever the batch's size (column arrays as
 * parameters) and the events with COPY (lib/ingest/copy-events.ts).
 */
import type pg from "pg";
import type { NormalizedEvent } from "../audit/event";
import type { Store } from "../db/client";
import { lockOrgPg, setOrgHeadPg } from "../db/org-lock";
import { ensureEventPartitions, monthStart } from "../db/pg-partitions";
import { isoWeekStart } from "../activity/calendar";
import { emailKeyOf, type KnownUser } from "./identity";
import { copyEvents } from "./copy-events";
import { planEvents } from "./plan-batch";
import { planQuarantine } from "./quarantine-plan";
import { planRollups } from "./rollup-plan";
import { StepClock, type BatchExtras, type BatchResult, type WriteStep } from "./write-plan";

const CHUNK = 5000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Client = pg.PoolClient;

/**
 * The dedupe keys of the batch already stored: one statement per month (the bare range
 * prunes to that month's partition), an index seek of (org_id, ts, dedupe_key) per event,
 * and none for the events past the organization's latest.
 */
async function storedKeys(client: Client, orgId: number, batch: readonly NormalizedEvent[], latest: number | null): Promise<Set<string>> {
  const byMonth = new Map<number, NormalizedEvent[]>();
  for (const e of batch) {
    if (latest === null || e.tsMs > latest) continue;
    const m = monthStart(e.tsMs);
    const events = byMonth.get(m);
    if (events) events.push(e);
    else byMonth.set(m, [e]);
  }
  const stored = new Set<string>();
  for (const [m, events] of byMonth) {
    const d = new Date(m);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    for (const part of chunks(events)) {
      const { rows } = await client.query<{ dedupe_key: string }>(
        `SELECT e.dedupe_key FROM unnest($2::bigint[], $3::text[]) AS p (ts, dedupe_key)
         JOIN events e ON e.org_id = $1 AND e.ts = p.ts AND e.dedupe_key = p.dedupe_key AND e.ts >= $4 AND e.ts < $5`,
        [orgId, part.map((e) => e.tsMs), part.map((e) => e.dedupeKey), m, next],
      );
      for (const r of rows) stored.add(r.dedupe_key);
    }
  }
  return stored;
}

/** The time of the organization's latest event, or null (one index seek per partition from the newest). */
async function latestEvent(client: Client, orgId: number): Promise<number | null> {
  const { rows } = await client.query<{ ts: string | null }>("SELECT max(ts) AS ts FROM events WHERE org_id = $1", [orgId]);
  return rows[0]?.ts == null ? null : Number(rows[0].ts);
}

interface UserRow {
  id: number;
  external_id: string | null;
  email_key: string | null;
  first_seen_at: string | null;
  first_invited_at: string | null;
}

const known = (r: UserRow): KnownUser => ({
  id: r.id,
  external_id: r.external_id,
  email_key: r.email_key,
  first_seen_at: r.first_seen_at === null ? null : Number(r.first_seen_at),
  first_invited_at: r.first_invited_at === null ? null : Number(r.first_invited_at),
});

/** Every user the batch names, by platform id and by email key. */
async function knownUsers(
  client: Client,
  orgId: number,
  batch: readonly NormalizedEvent[],
): Promise<{ byId: Map<string, KnownUser>; byEmail: Map<string, KnownUser> }> {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const e of batch) {
    if (e.actorId) ids.add(e.actorId);
    if (e.targetId) ids.add(e.targetId);
    const a = emailKeyOf(e.actorEmail);
    const t = emailKeyOf(e.targetEmail);
    if (a) emails.add(a);
    if (t) emails.add(t);
  }
  const byId = new Map<string, KnownUser>();
  const byEmail = new Map<string, KnownUser>();
  const cols = "id, external_id, email_key, first_seen_at, first_invited_at";
  for (const part of chunks([...ids])) {
    const { rows } = await client.query<UserRow>(`SELECT ${cols} FROM users WHERE org_id = $1 AND external_id = ANY($2::text[])`, [orgId, part]);
    for (const r of rows) byId.set(r.external_id!, known(r));
  }
  for (const part of chunks([...emails])) {
    const { rows } = await client.query<UserRow>(`SELECT ${cols} FROM users WHERE org_id = $1 AND email_key = ANY($2::text[])`, [orgId, part]);
    for (const r of rows) byEmail.set(r.email_key!, known(r));
  }
  return { byId, byEmail };
}

/**
 * Of the (user, key) pairs, those for which user_day holds the day (or, for weeks, a day of the
 * ISO week). One index probe per pair (LATERAL … LIMIT 1): written as `WHERE EXISTS`, the
 * planner, with the statistics of a `user_day` still small when the ingest began, read all of
 * the organization's `user_day` rows per call instead (84–120 ms per call at 1M events against
 * 7.5 ms; the 5M CLI ingest 108.8 → 91.3 s: docs/PERFORMANCE.md, "PostgreSQL ingest: the floor").
 */
async function existingPairs(client: Client, orgId: number, pairs: [number, number][], span: 0 | 6): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(pairs)) {
    const { rows } = await client.query<{ user_id: number; k: number }>(
      `SELECT p.user_id, p.k FROM unnest($2::integer[], $3::integer[]) AS p (user_id, k)
       CROSS JOIN LATERAL (SELECT 1 FROM user_day d WHERE d.org_id = $1 AND d.user_id = p.user_id AND d.day >= p.k AND d.day <= p.k + $4 LIMIT 1) AS hit`,
      [orgId, part.map((p) => p[0]), part.map((p) => p[1]), span],
    );
    for (const r of rows) found.add(`${r.user_id}:${r.k}`);
  }
  return found;
}

/** Runs a step, then laps the profile's clock onto it. */
async function step(clock: StepClock | null, name: WriteStep, fn: () => Promise<void>): Promise<void> {
  await fn();
  clock?.lap(name);
}

/** Appends a batch in one transaction (docs/INGEST.md); the months of the batch get their partitions first, outside it. */
export async function appendPostgres(store: Store, orgId: number, batch: readonly NormalizedEvent[], extras: BatchExtras, now: number): Promise<BatchResult> {
  if (!store.pg) throw new Error("appendPostgres: the store has no PostgreSQL pool");
  await ensureEventPartitions(
    store,
    batch.map((e) => e.tsMs),
  );
  const p = extras.profile;
  const client = await store.pg.connect();
  let began = false;
  let broken = false;
  try {
    const clock = p ? new StepClock(p) : null;
    await client.query("BEGIN");
    began = true;
    const head = await lockOrgPg(client, orgId);
    clock?.lap("begin");

    // Nothing stored is later than the organization's latest event: an event past it is not
    // stored (its dedupe key fixes its time) and a day past it has no user_day row. Audit
    // logs arrive in time order, so most of a batch is answered without reading the store.
    const latest = batch.length > 0 ? await latestEvent(client, orgId) : null;
    const latestDay = latest === null ? -Infinity : Math.floor(latest / 86_400_000);
    const stored = batch.length > 0 ? await storedKeys(client, orgId, batch, latest) : new Set<string>();
    clock?.lap("dedupeLookup");
    const users = batch.length > 0 ? await knownUsers(client, orgId, batch) : { byId: new Map<string, KnownUser>(), byEmail: new Map<string, KnownUser>() };
    clock?.lap("identityLookup");
    const plan = planEvents(
      { events: batch, head, now },
      {
        isStored: (key) => stored.has(key),
        byId: (id) => users.byId.get(id) ?? null,
        byEmail: (key) => users.byEmail.get(key) ?? null,
      },
    );

    clock?.lap("plan");
    const existing = plan.days.filter((d) => d.user_id > 0 && isoWeekStart(d.day) <= latestDay);
    const days = await existingPairs(
      client,
      orgId,
      existing.map((d) => [d.user_id, d.day]),
      0,
    );
    const weekPairs = new Map<string, [number, number]>();
    for (const d of existing) {
      const week = isoWeekStart(d.day);
      weekPairs.set(`${d.user_id}:${week}`, [d.user_id, week]);
    }
    const weeks = await existingPairs(client, orgId, [...weekPairs.values()], 6);
    clock?.lap("rollupLookup");
    const rollups = planRollups(plan.days, {
      userDayExists: (user, day) => day <= latestDay && days.has(`${user}:${day}`),
      weekHadDays: (user, week) => week <= latestDay && weeks.has(`${user}:${week}`),
    });

    let quarantine = null;
    if (extras.quarantine && extras.quarantine.batch.lines.length > 0) {
      const day = Math.floor(extras.quarantine.batch.receivedAt / 86_400_000);
      const kept = await client.query<{ kept: number }>("SELECT kept FROM quarantine_days WHERE org_id = $1 AND source = $2 AND day = $3", [
        orgId,
        extras.quarantine.batch.source,
        day,
      ]);
      const held = await client.query<{ n: string }>("SELECT count(*) AS n FROM quarantine WHERE org_id = $1", [orgId]);
      quarantine = planQuarantine(extras.quarantine.batch, extras.quarantine.limits, {
        keptOn: () => Number(kept.rows[0]?.kept ?? 0),
        held: () => Number(held.rows[0]!.n),
      });
    }
    clock?.lap("plan");

    // Users first: the rows of new users need their ids, taken from the serial's sequence in order.
    const created: number[] = [];
    await step(clock, "users", async () => {
      if (plan.newUsers.length > 0) {
        const { rows } = await client.query<{ id: string }>("SELECT nextval(pg_get_serial_sequence('users', 'id')) AS id FROM generate_series(1, $1)", [
          plan.newUsers.length,
        ]);
        created.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
        for (const part of chunks(plan.newUsers)) {
          await client.query(
            `INSERT INTO users (id, org_id, external_id, email, email_key, reports, runs, in_directory, first_seen_at, first_invited_at)
             SELECT u.id, $1, u.external_id, u.email, u.email_key, 0, 0, 0, u.first_seen_at, u.first_invited_at
             FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])
               AS u (id, external_id, email, email_key, first_seen_at, first_invited_at)`,
            [
              orgId,
              part.map((u) => created[-u.id - 1]),
              part.map((u) => u.external_id),
              part.map((u) => u.email),
              part.map((u) => u.email_key),
              part.map((u) => u.first_seen_at),
              part.map((u) => u.first_invited_at),
            ],
          );
        }
      }
      for (const part of chunks(plan.userUpdates)) {
        await client.query(
          `UPDATE users AS u SET external_id = v.external_id, email = COALESCE(v.email, u.email), email_key = v.email_key,
             first_seen_at = v.first_seen_at, first_invited_at = v.first_invited_at
           FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
             AS v (id, external_id, email, email_key, first_seen_at, first_invited_at)
           WHERE u.id = v.id`,
          [
            part.map((u) => u.id),
            part.map((u) => u.external_id),
            part.map((u) => u.email ?? null),
            part.map((u) => u.email_key),
            part.map((u) => u.first_seen_at),
            part.map((u) => u.first_invited_at),
          ],
        );
      }
    });
    const id = (ref: number) => (ref < 0 ? created[-ref - 1]! : ref);
    const idOrNull = (ref: number | null) => (ref === null ? null : id(ref));

    await step(clock, "insertEvents", () => copyEvents(client, orgId, plan.rows, idOrNull));

    await step(clock, "rollups", async () => {
      const added = rollups.userDays.filter((d) => d.isNew);
      const grown = rollups.userDays.filter((d) => !d.isNew);
      for (const part of chunks(added)) {
        await client.query(
          `INSERT INTO user_day (org_id, user_id, day, events, first_ts, last_ts)
           SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[])`,
          [orgId, part.map((d) => id(d.user_id)), part.map((d) => d.day), part.map((d) => d.events), part.map((d) => d.first_ts), part.map((d) => d.last_ts)],
        );
      }
      for (const part of chunks(grown)) {
        await client.query(
          `UPDATE user_day AS d SET events = d.events + v.events, first_ts = LEAST(d.first_ts, v.first_ts), last_ts = GREATEST(d.last_ts, v.last_ts)
           FROM unnest($2::integer[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[]) AS v (user_id, day, events, first_ts, last_ts)
           WHERE d.org_id = $1 AND d.user_id = v.user_id AND d.day = v.day`,
          [orgId, part.map((d) => d.user_id), part.map((d) => d.day), part.map((d) => d.events), part.map((d) => d.first_ts), part.map((d) => d.last_ts)],
        );
      }
      for (const part of chunks(rollups.userBlocks)) {
        await client.query(
          `INSERT INTO user_block (org_id, block, user_id, first_day, last_day)
           SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::integer[], $5::integer[])
           ON CONFLICT (org_id, block, user_id) DO UPDATE SET first_day = LEAST(user_block.first_day, excluded.first_day),
             last_day = GREATEST(user_block.last_day, excluded.last_day)`,
          [orgId, part.map((b) => b.block), part.map((b) => id(b.user_id)), part.map((b) => b.first_day), part.map((b) => b.last_day)],
        );
      }
      // One write per user row: its days and, for the users with new days (rollups.recount),
      // the 7/30/90-day counts ending on its new last day, read from user_day (this batch's rows
      // included). Two statements (the upsert, then RECENT_RECOUNT as on SQLite) left two dead
      // versions of each such row per batch: PostgreSQL's table grew to 20× its live size.
      for (const part of chunks(rollups.userActivity)) {
        await client.query(
          `INSERT INTO user_activity (org_id, user_id, days, early_days, first_day, last_day, last_ts, d7, d30, d90)
           SELECT $1, u.user_id, u.days, u.early_days, u.first_day, u.last_day, u.last_ts, r.d7, r.d30, r.d90
           FROM unnest($2::integer[], $3::integer[], $4::integer[], $5::integer[], $6::integer[], $7::bigint[])
             AS u (user_id, days, early_days, first_day, last_day, last_ts)
           LEFT JOIN user_activity ex ON ex.org_id = $1 AND ex.user_id = u.user_id
           CROSS JOIN LATERAL (SELECT GREATEST(u.last_day, ex.last_day) AS last_day) l
           CROSS JOIN LATERAL (
             SELECT COALESCE(SUM(CASE WHEN ud.day > l.last_day - 7 THEN 1 ELSE 0 END), 0) AS d7,
                    COALESCE(SUM(CASE WHEN ud.day > l.last_day - 30 THEN 1 ELSE 0 END), 0) AS d30,
                    COUNT(*) AS d90
             FROM user_day ud WHERE u.days > 0 AND ud.org_id = $1 AND ud.user_id = u.user_id AND ud.day > l.last_day - 90) r
           ON CONFLICT (org_id, user_id) DO UPDATE SET days = user_activity.days + excluded.days,
             early_days = user_activity.early_days + excluded.early_days,
             first_day = LEAST(user_activity.first_day, excluded.first_day), last_day = GREATEST(user_activity.last_day, excluded.last_day),
             last_ts = GREATEST(user_activity.last_ts, excluded.last_ts),
             d7 = CASE WHEN excluded.days > 0 THEN excluded.d7 ELSE user_activity.d7 END,
             d30 = CASE WHEN excluded.days > 0 THEN excluded.d30 ELSE user_activity.d30 END,
             d90 = CASE WHEN excluded.days > 0 THEN excluded.d90 ELSE user_activity.d90 END`,
          [
            orgId,
            part.map((u) => id(u.user_id)),
            part.map((u) => u.days),
            part.map((u) => u.early_days),
            part.map((u) => u.first_day),
            part.map((u) => u.last_day),
            part.map((u) => u.last_ts),
          ],
        );
      }
      if (rollups.dayActivity.length > 0) {
        await client.query(
          `INSERT INTO day_activity (org_id, day, users) SELECT $1, * FROM unnest($2::integer[], $3::integer[])
           ON CONFLICT (org_id, day) DO UPDATE SET users = day_activity.users + excluded.users`,
          [orgId, rollups.dayActivity.map((d) => d.day), rollups.dayActivity.map((d) => d.users)],
        );
      }
      if (rollups.weekActivity.length > 0) {
        await client.query(
          `INSERT INTO week_activity (org_id, week, users) SELECT $1, * FROM unnest($2::integer[], $3::integer[])
           ON CONFLICT (org_id, week) DO UPDATE SET users = week_activity.users + excluded.users`,
          [orgId, rollups.weekActivity.map((w) => w.week), rollups.weekActivity.map((w) => w.users)],
        );
      }
    });

    await step(clock, "other", async () => {
      for (const part of chunks(plan.lifecycle)) {
        await client.query(
          `INSERT INTO user_lifecycle (org_id, user_id, seq, ts, action, entity_name)
           SELECT $1, * FROM unnest($2::integer[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])`,
          [orgId, part.map((l) => id(l.user_id)), part.map((l) => l.seq), part.map((l) => l.ts), part.map((l) => l.action), part.map((l) => l.entity_name)],
        );
      }
      await setOrgHeadPg(client, orgId, plan.head);
      if (quarantine) {
        for (const part of chunks(quarantine.rows, 500)) {
          await client.query(
            `INSERT INTO quarantine (org_id, received_at, source, origin, line, reason, raw, bytes)
             SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bytea[], $8::bigint[])`,
            [
              orgId,
              part.map((r) => r.received_at),
              part.map((r) => r.source),
              part.map((r) => r.origin),
              part.map((r) => r.line),
              part.map((r) => r.reason),
              part.map((r) => Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength)),
              part.map((r) => r.bytes),
            ],
          );
        }
        const d = quarantine.day;
        if (d) {
          await client.query(
            `INSERT INTO quarantine_days (org_id, source, day, kept, dropped) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id, source, day) DO UPDATE SET kept = quarantine_days.kept + excluded.kept, dropped = quarantine_days.dropped + excluded.dropped`,
            [orgId, d.source, d.day, d.kept, d.dropped],
          );
        }
      }
      if (extras.retried) {
        if (extras.retried.remove.length > 0)
          await client.query("DELETE FROM quarantine WHERE org_id = $1 AND id = ANY($2::integer[])", [orgId, extras.retried.remove]);
        for (const r of extras.retried.reasons) await client.query("UPDATE quarantine SET reason = $1 WHERE org_id = $2 AND id = $3", [r.reason, orgId, r.id]);
      }
    });

    await client.query("COMMIT");
    began = false;
    if (p) {
      clock!.lap("commit");
      p.batches++;
      p.events += batch.length;
    }
    return { accepted: plan.rows.length, duplicates: plan.duplicates, stored: plan.stored, quarantined: quarantine?.rows.length ?? 0 };
  } catch (error) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    if (began)
      broken = await client.query("ROLLBACK").then(
        () => false,
        () => true,
      );
    throw error;
  } finally {
    client.release(broken);
  }
}
