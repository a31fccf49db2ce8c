/**
 * Alert rules of one organization and their pure evaluation. Zod only: the settings form
 * imports the schema too.
 */
import { z } from "zod";
import { isKnownAction } from "../audit/schema";
import { MAX_QUERY_RULES, queryRuleSchema } from "./query-rules";

export const SUGGESTED_ACTIONS = ["user:create_api_key", "team:delete", "run:delete_many", "user:deactivate"] as const;

const actionName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/, "an action looks like `user:create_api_key`");

export const alertRulesSchema = z.object({
  /** A message for every event with one of these actions. */
  actions: z.object({ enabled: z.boolean(), actions: z.array(actionName).max(50) }),
  /** A message when `threshold` 401/403 responses land within `windowMinutes`. */
  authFailures: z.object({
    enabled: z.boolean(),
    threshold: z.int().min(2).max(100_000),
    windowMinutes: z
      .int()
      .min(1)
      .max(24 * 60),
  }),
  /** A message when a background job (sync, pull...) has failed `afterFailures` times in a row. */
  jobFailures: z.object({ enabled: z.boolean(), afterFailures: z.int().min(1).max(100) }),
  /** Every Monday: the users who crossed the six-month inactivity line during the past week. */
  inactiveDigest: z.object({ enabled: z.boolean() }),
  /** Rules in the filter language (lib/alerts/query-rules.ts); saved on their own, kept when absent from a save. */
  queries: z.array(queryRuleSchema).max(MAX_QUERY_RULES).optional(),
});
export type AlertRules = z.infer<typeof alertRulesSchema>;

/**
 * The rules as a caller may save them: every watched action is one of the seed's catalogue
 * (lib/audit/schema.ts), since a misspelt one ("user:create_api_kye") could never fire. Stored
 * rules are read with the plain schema, so an action saved before this check still loads
 * (the settings page flags it).
 */
export const alertRulesInputSchema = alertRulesSchema.superRefine((rules, ctx) => {
  rules.actions.actions.forEach((action, i) => {
    if (!isKnownAction(action))
      ctx.addIssue({ code: "custom", path: ["actions", "actions", i], message: `unknown action "${action}": not in the audit-log action catalogue` });
  });
});

export const DEFAULT_RULES: AlertRules = {
  actions: { enabled: false, actions: [...SUGGESTED_ACTIONS] },
  authFailures: { enabled: false, threshold: 20, windowMinutes: 5 },
  jobFailures: { enabled: false, afterFailures: 1 },
  inactiveDigest: { enabled: false },
};

/** Stored rules, completed with defaults (a rule added later starts switched off). */
export function parseStoredRules(json: string | null | undefined): AlertRules {
  if (!json) return DEFAULT_RULES;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return DEFAULT_RULES;
  }
  const merged = { ...DEFAULT_RULES, ...(raw !== null && typeof raw === "object" ? raw : {}) };
  const parsed = alertRulesSchema.safeParse(merged);
  return parsed.success ? { ...parsed.data, actions: { ...parsed.data.actions, actions: unique(parsed.data.actions.actions) } } : DEFAULT_RULES;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Events older than this when they are ingested never alert: importing last year's logs must
 * not flood the channel. Events a little in the future (clock skew) still count.
 */
export const ALERT_MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
const FUTURE_SKEW_MS = 60 * 60 * 1000;

export function isAlertable(tsMs: number, now: number): boolean {
  return tsMs >= now - ALERT_MAX_EVENT_AGE_MS && tsMs <= now + FUTURE_SKEW_MS;
}

export interface Burst {
  /** First and last failure of the window. */
  from: number;
  to: number;
  count: number;
}

/**
 * Windows of `windowMs` holding at least `threshold` failures. `times` are all failures known
 * around the batch (sorted ascending); a window must contain one of `batchTimes` (so only new
 * events raise an alert), and no two alerts (nor one of `alreadyAlerted`, their window ends)
 * fall within one window of each other: one burst, one message.
 */
export function findBursts(
  times: readonly number[],
  batchTimes: readonly number[],
  threshold: number,
  windowMs: number,
  alreadyAlerted: readonly number[] = [],
): Burst[] {
  const batch = [...batchTimes].sort((a, b) => a - b);
  const hasBatchEventIn = (from: number, to: number) => {
    let lo = 0;
    let hi = batch.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (batch[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < batch.length && batch[lo]! <= to;
  };
  const bursts: Burst[] = [];
  const alerted = [...alreadyAlerted];
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    const t = times[end]!;
    while (times[start]! <= t - windowMs) start++;
    const count = end - start + 1;
    if (count < threshold) continue;
    if (alerted.some((a) => Math.abs(a - t) < windowMs)) continue;
    if (!hasBatchEventIn(times[start]!, t)) continue;
    bursts.push({ from: times[start]!, to: t, count });
    alerted.push(t);
  }
  return bursts;
}

/** 401 and 403: refused credentials and refused permissions. */
export function isAuthFailure(responseCode: number | null): boolean {
  return responseCode === 401 || responseCode === 403;
}
