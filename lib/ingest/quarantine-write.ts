/**
 * Writes a quarantine plan (lib/ingest/quarantine-plan.ts) inside the caller's transaction:
 * the same rows on SQLite (prepared statements) and PostgreSQL.
 */
import type BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/types";
import { planQuarantine, type QuarantineBatch, type QuarantineLimits, type QuarantinePlan, type QuarantineSource } from "./quarantine-plan";

export interface QuarantineInput {
  batch: QuarantineBatch;
  limits: QuarantineLimits;
}

interface Statements {
  keptOn: BetterSqlite3.Statement<[number, string, number], { kept: number }>;
  held: BetterSqlite3.Statement<[number], { n: number }>;
  insert: BetterSqlite3.Statement<unknown[]>;
  day: BetterSqlite3.Statement<unknown[]>;
}

const cache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = cache.get(db);
  if (s) return s;
  s = {
    keptOn: db.prepare("SELECT kept FROM quarantine_days WHERE org_id = ? AND source = ? AND day = ?"),
    held: db.prepare("SELECT count(*) AS n FROM quarantine WHERE org_id = ?"),
    insert: db.prepare("INSERT INTO quarantine (org_id, received_at, source, origin, line, reason, raw, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    day: db.prepare(
      `INSERT INTO quarantine_days (org_id, source, day, kept, dropped) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (org_id, source, day) DO UPDATE SET kept = quarantine_days.kept + excluded.kept, dropped = quarantine_days.dropped + excluded.dropped`,
    ),
  };
  cache.set(db, s);
  return s;
}

/** SQLite, in the caller's transaction. Returns the lines kept. */
export function writeQuarantineSqlite(db: BetterSqlite3.Database, orgId: number, input: QuarantineInput): number {
  if (input.batch.lines.length === 0) return 0;
  const s = statements(db);
  const plan = planQuarantine(input.batch, input.limits, {
    keptOn: (source: QuarantineSource, day: number) => Number(s.keptOn.get(orgId, source, day)?.kept ?? 0),
    held: () => Number(s.held.get(orgId)!.n),
  });
  for (const r of plan.rows) s.insert.run(orgId, r.received_at, r.source, r.origin, r.line, r.reason, Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength), r.bytes);
  if (plan.day) s.day.run(orgId, plan.day.source, plan.day.day, plan.day.kept, plan.day.dropped);
  return plan.rows.length;
}

/** PostgreSQL (or any Kysely store), in the caller's transaction. Returns the lines kept. */
export async function writeQuarantineKysely(trx: Kysely<Database>, orgId: number, input: QuarantineInput): Promise<number> {
  if (input.batch.lines.length === 0) return 0;
  const receivedDay = Math.floor(input.batch.receivedAt / 86_400_000);
  const kept = await trx
    .selectFrom("quarantine_days")
    .select("kept")
    .where("org_id", "=", orgId)
    .where("source", "=", input.batch.source)
    .where("day", "=", receivedDay)
    .executeTakeFirst();
  const held = await trx.selectFrom("quarantine").select((eb) => eb.fn.countAll<number>().as("n")).where("org_id", "=", orgId).executeTakeFirstOrThrow();
  const plan: QuarantinePlan = planQuarantine(input.batch, input.limits, { keptOn: () => Number(kept?.kept ?? 0), held: () => Number(held.n) });
  await insertQuarantineRows(trx, orgId, plan);
  return plan.rows.length;
}

async function insertQuarantineRows(trx: Kysely<Database>, orgId: number, plan: QuarantinePlan): Promise<void> {
  const CHUNK = 1000;
  for (let i = 0; i < plan.rows.length; i += CHUNK) {
    await trx
      .insertInto("quarantine")
      .values(plan.rows.slice(i, i + CHUNK).map((r) => ({ org_id: orgId, ...r, raw: Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength) })))
      .execute();
  }
  if (plan.day) {
    const d = plan.day;
    await sql`INSERT INTO quarantine_days (org_id, source, day, kept, dropped) VALUES (${orgId}, ${d.source}, ${d.day}, ${d.kept}, ${d.dropped})
      ON CONFLICT (org_id, source, day) DO UPDATE SET kept = quarantine_days.kept + excluded.kept, dropped = quarantine_days.dropped + excluded.dropped`.execute(trx);
  }
}
