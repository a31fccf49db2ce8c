import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import type { SlackMessage } from "./slack-message";

export type AlertRule = "action" | "auth_failures" | "job_failure" | "inactive_digest" | "test" | "query";

export interface QueuedAlert {
  rule: AlertRule;
  /** Unique per organization: queuing the same key again does nothing. */
  dedupeKey: string;
  subjectAt: number;
  message: SlackMessage;
}

/** Queues alerts in the store (same store as the events); returns how many were new. */
export async function enqueueAlerts(db: Kysely<Database>, orgId: number, alerts: readonly QueuedAlert[], now = Date.now()): Promise<number> {
  let added = 0;
  for (const a of alerts) {
    const rows = await db
      .insertInto("alert_outbox")
      .values({
        org_id: orgId,
        rule: a.rule,
        dedupe_key: a.dedupeKey,
        subject_at: a.subjectAt,
        payload: JSON.stringify(a.message),
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        delivered_at: null,
        last_error: null,
      })
      .onConflict((oc) => oc.columns(["org_id", "dedupe_key"]).doNothing())
      .returning("id")
      .execute();
    added += rows.length;
  }
  if (added > 0) nudgeDelivery();
  return added;
}

/** Window ends of the burst alerts already queued near [from, to] (cool-down of findBursts). */
export async function alertedSubjects(db: Kysely<Database>, orgId: number, rule: AlertRule, from: number, to: number): Promise<number[]> {
  const rows = await db
    .selectFrom("alert_outbox")
    .select("subject_at")
    .where("org_id", "=", orgId)
    .where("rule", "=", rule)
    .where("subject_at", ">=", from)
    .where("subject_at", "<=", to)
    .execute();
  return rows.map((r) => Number(r.subject_at));
}

/** Subjects of the alerts whose dedupe key starts with `prefix` near [from, to] (a query rule's cool-down). */
export async function alertedSubjectsWithPrefix(db: Kysely<Database>, orgId: number, prefix: string, from: number, to: number): Promise<number[]> {
  const rows = await db
    .selectFrom("alert_outbox")
    .select(["subject_at", "dedupe_key"])
    .where("org_id", "=", orgId)
    .where("rule", "=", "query")
    .where("subject_at", ">=", from)
    .where("subject_at", "<=", to)
    .execute();
  return rows.filter((r) => r.dedupe_key.startsWith(prefix)).map((r) => Number(r.subject_at));
}

export async function hasAlert(db: Kysely<Database>, orgId: number, dedupeKey: string): Promise<boolean> {
  const row = await db.selectFrom("alert_outbox").select("id").where("org_id", "=", orgId).where("dedupe_key", "=", dedupeKey).executeTakeFirst();
  return row !== undefined;
}

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
  lastDeliveredAt: number | null;
  lastError: string | null;
}

export async function outboxCounts(db: Kysely<Database>, orgId: number): Promise<OutboxCounts> {
  const rows = await db
    .selectFrom("alert_outbox")
    .select((eb) => ["status", eb.fn.countAll<number>().as("n"), eb.fn.max("delivered_at").as("last")])
    .where("org_id", "=", orgId)
    .groupBy("status")
    .execute();
  const counts: OutboxCounts = { pending: 0, delivered: 0, failed: 0, lastDeliveredAt: null, lastError: null };
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    if (r.status === "delivered" && r.last !== null) counts.lastDeliveredAt = Number(r.last);
  }
  const failed = await db
    .selectFrom("alert_outbox")
    .select("last_error")
    .where("org_id", "=", orgId)
    .where("last_error", "is not", null)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  counts.lastError = failed?.last_error ?? null;
  return counts;
}

/**
 * The delivery job registers a waker here, so an alert queued by this server goes out at
 * once instead of at the job's next tick (another server's alerts wait for that tick).
 */
const wakeHolder = globalThis as unknown as { __orgtrailAlertWake?: () => void };

export function setDeliveryWaker(wake: (() => void) | undefined): void {
  wakeHolder.__orgtrailAlertWake = wake;
}

export function nudgeDelivery(): void {
  wakeHolder.__orgtrailAlertWake?.();
}
