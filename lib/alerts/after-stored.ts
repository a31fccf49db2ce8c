import type { NormalizedEvent } from "../audit/event";
import { formatTimestamp } from "../audit/timestamp";
import type { Store } from "../db/client";
import { alertedSubjects, enqueueAlerts, type QueuedAlert } from "./outbox";
import { queryRuleAlerts } from "./query-alerts";
import { findBursts, isAlertable, isAuthFailure, type Burst } from "./rules";
import { ingestRules, type IngestRules } from "./settings";
import { actionAlertMessage, actionSummaryMessage, authBurstMessage, eventDetails } from "./slack-message";

/** One message per watched event, up to this many per batch; the rest are summed up in one. */
const MAX_ACTION_MESSAGES_PER_BATCH = 20;
/** Failures read back around a batch for the sliding window (a cap, not a limit of the rule). */
const MAX_FAILURES_READ = 50_000;

/**
 * Evaluates the action and 401/403 burst rules on a committed batch and queues their alerts.
 * Called by ingest after each commit; costs one cached lookup when no rule is on. Never throws:
 * the events are already stored, and a failing alert must not fail their ingest.
 */
export async function afterStored(store: Store, orgId: number, events: readonly NormalizedEvent[], now = Date.now()): Promise<void> {
  if (events.length === 0) return;
  try {
    const rules = await ingestRules(store.db, orgId, now);
    if (!rules) return;
    const alerts: QueuedAlert[] = [];
    if (rules.actions) alerts.push(...actionAlerts(rules, rules.actions, events, now));
    if (rules.authFailures) alerts.push(...(await burstAlerts(store, orgId, rules, rules.authFailures, events, now)));
    if (rules.queries) alerts.push(...(await queryRuleAlerts(store, orgId, rules.orgSlug, rules.queries, events, now)));
    if (alerts.length > 0) await enqueueAlerts(store.db, orgId, alerts, now);
  } catch (error) {
    console.error("orgtrail: alert rules could not be evaluated:", error instanceof Error ? error.message : error);
  }
}

function actionAlerts(rules: IngestRules, watched: ReadonlySet<string>, events: readonly NormalizedEvent[], now: number): QueuedAlert[] {
  const matching = events.filter((e) => watched.has(e.action) && isAlertable(e.tsMs, now));
  const alerts: QueuedAlert[] = matching.slice(0, MAX_ACTION_MESSAGES_PER_BATCH).map((e) => ({
    rule: "action",
    dedupeKey: `action:${e.dedupeKey}`,
    subjectAt: e.tsMs,
    message: actionAlertMessage(rules.orgSlug, eventDetails(e.body)),
  }));
  const rest = matching.slice(MAX_ACTION_MESSAGES_PER_BATCH);
  if (rest.length > 0) {
    const counts = new Map<string, number>();
    for (const e of rest) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    alerts.push({
      rule: "action",
      dedupeKey: `action-summary:${rest[0]!.dedupeKey}`,
      subjectAt: rest[0]!.tsMs,
      message: actionSummaryMessage(rules.orgSlug, counts),
    });
  }
  return alerts;
}

async function burstAlerts(
  store: Store,
  orgId: number,
  rules: IngestRules,
  rule: NonNullable<IngestRules["authFailures"]>,
  events: readonly NormalizedEvent[],
  now: number,
): Promise<QueuedAlert[]> {
  const batchTimes = events.filter((e) => isAuthFailure(e.responseCode) && isAlertable(e.tsMs, now)).map((e) => e.tsMs);
  if (batchTimes.length === 0) return [];
  const from = Math.min(...batchTimes) - rule.windowMs;
  const to = Math.max(...batchTimes) + rule.windowMs;
  // The batch is committed: the store holds it and every earlier failure around it.
  const rows = await store.db
    .selectFrom("events")
    .select(["ts", "body"])
    .where("org_id", "=", orgId)
    .where("ts", ">=", from)
    .where("ts", "<=", to)
    .where("response_code", "in", [401, 403])
    .orderBy("ts")
    .orderBy("seq")
    .limit(MAX_FAILURES_READ)
    .execute();
  const failures = rows.map((r) => ({ ts: Number(r.ts), body: r.body }));
  const times = failures.map((f) => f.ts);
  const already = await alertedSubjects(store.db, orgId, "auth_failures", from - rule.windowMs, to + rule.windowMs);
  const bursts = findBursts(times, batchTimes, rule.threshold, rule.windowMs, already);
  return bursts.map((b) => ({
    rule: "auth_failures" as const,
    dedupeKey: `auth_failures:${b.to}`,
    subjectAt: b.to,
    message: authBurstMessage(rules.orgSlug, describeBurst(b, failures, rule.windowMinutes)),
  }));
}

function top(counts: Map<string, number>, n = 3): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

function describeBurst(b: Burst, failures: readonly { ts: number; body: string }[], windowMinutes: number) {
  const actors = new Map<string, number>();
  const ips = new Map<string, number>();
  const codes = new Map<string, number>();
  for (const f of failures) {
    if (f.ts < b.from || f.ts > b.to) continue;
    const d = eventDetails(f.body);
    const actor = d.actor_email ?? d.actor_user_id;
    if (actor) actors.set(actor, (actors.get(actor) ?? 0) + 1);
    if (d.actor_ip) ips.set(d.actor_ip, (ips.get(d.actor_ip) ?? 0) + 1);
    if (d.response_code !== undefined) codes.set(String(d.response_code), (codes.get(String(d.response_code)) ?? 0) + 1);
  }
  return { count: b.count, windowMinutes, from: formatTimestamp(b.from), to: formatTimestamp(b.to), actors: top(actors), ips: top(ips), codes: top(codes) };
}
