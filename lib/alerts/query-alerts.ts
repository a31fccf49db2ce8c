/**
 * Evaluates the query rules (lib/alerts/query-rules.ts) on a committed batch and returns the
 * alerts to queue: "each" rules one message per matching event (capped per batch, the rest
 * summed up), "count" rules one message per window of `windowMinutes` holding `threshold`
 * matches, one of them from the batch (the sliding window of the 401/403 rule, findBursts).
 * Runs in whatever process ingested (server or CLI): events are matched one at a time
 * (lib/filter/match-event.ts), with the users the store resolved for them when a rule names users.
 */
import type { NormalizedEvent } from "../audit/event";
import { formatTimestamp } from "../audit/timestamp";
import type { Store } from "../db/client";
import { UserDirectory } from "../explorer/user-directory";
import { matchesEvent, usesIdentities, type EventFacts } from "../filter/match-event";
import { parseFilter } from "../filter/parse-filter";
import type { FilterQuery, Identities } from "../filter/query";
import { readEventsBetween, readEventUsers, readUserIdentities } from "../queries/event-log-reader";
import { alertedSubjectsWithPrefix, type QueuedAlert } from "./outbox";
import type { QueryRule } from "./query-rules";
import { findBursts, isAlertable } from "./rules";
import { eventDetails, queryCountMessage, queryMatchMessage, queryMatchSummaryMessage } from "./slack-message";

export interface CompiledQueryRule {
  rule: QueryRule;
  query: FilterQuery;
}

/** The enabled rules whose query parses (a stored query the parser now refuses is skipped and logged). */
export function compileQueryRules(rules: readonly QueryRule[] | undefined): CompiledQueryRule[] {
  const out: CompiledQueryRule[] = [];
  for (const rule of rules ?? []) {
    if (!rule.enabled) continue;
    const parsed = parseFilter(rule.query);
    if (parsed.ok) out.push({ rule, query: parsed.query });
    else console.error(`orgtrail: alert rule "${rule.name}" skipped: ${parsed.error.message}`);
  }
  return out;
}

/** One message per matching event per batch, up to this many per rule; the rest in one summary. */
const MAX_MESSAGES_PER_RULE = 20;
/** Events read back around a batch for a count rule's window (a cap, not a limit of the rule). */
const MAX_WINDOW_READ = 50_000;

function identitiesFor(rules: readonly CompiledQueryRule[], users: UserDirectory | null): Identities {
  const actor = new Map<string, number[]>();
  const user = new Map<string, number[]>();
  if (users === null) return { actor, user };
  for (const { query } of rules) {
    for (const t of query.terms) {
      const c = t.condition;
      if (c.kind === "actor" && !actor.has(c.value)) actor.set(c.value, users.resolve(c.value));
      if (c.kind === "user" && !user.has(c.value)) user.set(c.value, users.resolve(c.value));
    }
  }
  return { actor, user };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function queryRuleAlerts(
  store: Store,
  orgId: number,
  orgSlug: string,
  rules: readonly CompiledQueryRule[],
  events: readonly NormalizedEvent[],
  now: number,
): Promise<QueuedAlert[]> {
  const alertable = events.filter((e) => isAlertable(e.tsMs, now));
  if (alertable.length === 0 || rules.length === 0) return [];
  const namesUsers = rules.some((r) => usesIdentities(r.query));
  const ids = identitiesFor(rules, namesUsers ? new UserDirectory(0, await readUserIdentities(store, orgId)) : null);
  const users = namesUsers
    ? await readEventUsers(
        store,
        orgId,
        alertable.map((e) => ({ ts: e.tsMs, dedupeKey: e.dedupeKey })),
      )
    : null;
  const facts = alertable.map((e): EventFacts => {
    const u = users?.get(e.dedupeKey);
    return {
      action: e.action,
      tsMs: e.tsMs,
      responseCode: e.responseCode,
      fields: JSON.parse(e.body) as Record<string, unknown>,
      extra: parseJson(e.extra),
      actorUserId: u?.actorId ?? null,
      targetUserId: u?.targetId ?? null,
    };
  });

  const alerts: QueuedAlert[] = [];
  for (const compiled of rules) {
    const { rule, query } = compiled;
    const matching = alertable.filter((_, i) => matchesEvent(query, facts[i]!, ids));
    if (matching.length === 0) continue;
    if (rule.mode === "each") {
      for (const e of matching.slice(0, MAX_MESSAGES_PER_RULE)) {
        alerts.push({
          rule: "query",
          dedupeKey: `query:${rule.id}:${e.dedupeKey}`,
          subjectAt: e.tsMs,
          message: queryMatchMessage(orgSlug, rule, eventDetails(e.body)),
        });
      }
      const rest = matching.slice(MAX_MESSAGES_PER_RULE);
      if (rest.length > 0)
        alerts.push({
          rule: "query",
          dedupeKey: `query-summary:${rule.id}:${rest[0]!.dedupeKey}`,
          subjectAt: rest[0]!.tsMs,
          message: queryMatchSummaryMessage(orgSlug, rule, rest.length),
        });
      continue;
    }
    alerts.push(
      ...(await countAlerts(
        store,
        orgId,
        orgSlug,
        compiled,
        ids,
        matching.map((e) => e.tsMs),
      )),
    );
  }
  return alerts;
}

async function countAlerts(
  store: Store,
  orgId: number,
  orgSlug: string,
  { rule, query }: CompiledQueryRule,
  ids: Identities,
  batchTimes: number[],
): Promise<QueuedAlert[]> {
  const windowMs = rule.windowMinutes * 60_000;
  const from = Math.min(...batchTimes) - windowMs;
  const to = Math.max(...batchTimes) + windowMs;
  // The batch is committed: the store holds it and every earlier event around it.
  const rows = await readEventsBetween(store, orgId, from, to, MAX_WINDOW_READ);
  const times: number[] = [];
  for (const r of rows) {
    const facts: EventFacts = {
      action: r.action,
      tsMs: r.ts,
      responseCode: r.responseCode,
      fields: JSON.parse(r.body) as Record<string, unknown>,
      extra: parseJson(r.extra),
      actorUserId: r.actorId,
      targetUserId: r.targetId,
    };
    if (matchesEvent(query, facts, ids)) times.push(r.ts);
  }
  const prefix = `query-count:${rule.id}:`;
  const already = await alertedSubjectsWithPrefix(store.db, orgId, prefix, from - windowMs, to + windowMs);
  return findBursts(times, batchTimes, rule.threshold, windowMs, already).map((b) => ({
    rule: "query" as const,
    dedupeKey: `${prefix}${b.to}`,
    subjectAt: b.to,
    message: queryCountMessage(orgSlug, rule, { count: b.count, windowMinutes: rule.windowMinutes, from: formatTimestamp(b.from), to: formatTimestamp(b.to) }),
  }));
}
