import { createHash } from "node:crypto";
import { z } from "zod";
import { dayNumber, dayStartMs, parseDate, parseRfc3339 } from "./timestamp";
import type { AnonymizeMode } from "./anonymize";
import type { Deployment } from "../env";
import { canonicalQuery, MAX_QUERY_CHARS, parseFilter } from "../filter/parse-filter";
import type { FilterQuery } from "../filter/query";

export const MULTI_TENANT_MAX_DAYS = 7;
const MAX_DAYS = 36_600;
/** Largest `limit`: self-managed and dedicated, then multi-tenant. */
export const MAX_LIMIT = 20_000;
export const MULTI_TENANT_MAX_LIMIT = 1_000_000;
/** Page size of a JSON answer when `endDate` or `cursor` is given without `limit`. */
export const DEFAULT_LIMIT = 20_000;
const MAX_ACTIONS = 100;
const MAX_CURSOR_CHARS = 1024;

const numDaysParam = z
  .string()
  .regex(/^\d+$/, "must be a whole number of days (0 or more)")
  .transform(Number)
  .pipe(z.number().int().max(MAX_DAYS, `must be at most ${MAX_DAYS}`));

const dateParam = z
  .string()
  .refine((s) => parseDate(s) !== null, "must be a calendar date as YYYY-MM-DD")
  .transform((s) => parseDate(s)!);

/** endDate: a day (its midnight, UTC) or an RFC3339 instant; exclusive either way. */
const endDateParam = z.string().transform((s, ctx) => {
  const day = parseDate(s);
  if (day !== null) return dayStartMs(day);
  const ts = parseRfc3339(s);
  if (ts.ok) return ts.ms;
  ctx.addIssue({ code: "custom", message: "must be a calendar date as YYYY-MM-DD or an RFC3339 timestamp" });
  return z.NEVER;
});

const limitParam = z.string().regex(/^\d+$/, "must be a whole number (1 or more)").transform(Number);

const textParam = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");

/** `true`/`false` (also 1, 0, empty) as before, or `hash`: pseudonyms instead of removal. */
const anonymizeParam = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "", "hash"], { message: 'must be "true", "false" or "hash"' }))
  .transform((s): AnonymizeMode => (s === "hash" ? "hash" : s === "true" || s === "1"));

export const auditLogQuerySchema = z.object({
  anonymize: anonymizeParam.optional(),
  numDays: numDaysParam.optional(),
  startDate: dateParam.optional(),
  endDate: endDateParam.optional(),
  limit: limitParam.optional(),
  cursor: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_CURSOR_CHARS, "is too long")
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "is not a cursor returned by this API")
    .optional(),
  actor_email: textParam(320).optional(),
  actor_user_id: textParam(200).optional(),
  /** The explorer's filter language (SPEC §8), an extension: ANDed with the window and the filters above. */
  q: z.string().max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`).optional(),
});

export interface AuditLogFilters {
  /** Only these actions (null: any). */
  actions: string[] | null;
  /** Lower-cased; compared with the event's `actor_email` case-insensitively. */
  actorEmail: string | null;
  actorUserId: string | null;
  /** The filter language (`q`); null or absent when not given (or blank). */
  query?: FilterQuery | null;
}

export interface AuditLogQuery {
  /** false, true (PII keys removed) or "hash" (PII values replaced by per-organization HMACs); false in multi-tenant mode. */
  anonymize: AnonymizeMode;
  /** First and last UTC day touched by the range (inclusive), as day numbers. */
  firstDay: number;
  lastDay: number;
  /** The range: [fromMs, toMs) in epoch milliseconds. */
  fromMs: number;
  toMs: number;
  /** true: one JSON object with a page of events (limit, endDate or cursor given); false: NDJSON. */
  envelope: boolean;
  limit: number;
  cursor: string | null;
  filters: AuditLogFilters;
}

type Parsed = { ok: true; query: AuditLogQuery } | { ok: false; error: string };

const SINGLE_KEYS = ["anonymize", "numDays", "startDate", "endDate", "limit", "cursor", "actor_email", "actor_user_id", "q"] as const;

const invalid = (key: string, value: string, message: string): Parsed => ({
  ok: false,
  error: `invalid ${key} ${JSON.stringify(value)}: ${message}`,
});

/** `action=a&action=b` and `action=a,b` both name several actions. */
function parseActions(params: URLSearchParams): { ok: true; actions: string[] | null } | { ok: false; error: string } {
  const raw = params.getAll("action");
  if (raw.length === 0) return { ok: true, actions: null };
  const actions = new Set<string>();
  for (const value of raw) {
    const parts = value.split(",").map((s) => s.trim());
    for (const part of parts) {
      if (part === "" || part.length > 100 || /[\u0000-\u001f\u007f\s]/.test(part)) {
        return {
          ok: false,
          error: `invalid action ${JSON.stringify(value)}: each action must be a non-empty name such as "user:login" (several: repeat the parameter or separate with commas)`,
        };
      }
      actions.add(part);
    }
  }
  if (actions.size > MAX_ACTIONS) return { ok: false, error: `invalid action: at most ${MAX_ACTIONS} actions per request` };
  return { ok: true, actions: [...actions].sort() };
}

/**
 * SPEC §5 window: the days from startDate − numDays to startDate, both inclusive. Multi-tenant
 * caps numDays at 7 and always includes PII. With `endDate` (exclusive), the range ends there
 * and starts at startDate's midnight, or else numDays days before endDate's last day
 * (docs/AUDIT_LOG_API.md).
 */
export function parseAuditLogQuery(params: URLSearchParams, deployment: Deployment, today: number): Parsed {
  const raw: Record<string, string> = {};
  for (const key of SINGLE_KEYS) {
    const v = params.get(key);
    if (v !== null) raw[key] = v;
  }
  const parsed = auditLogQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? "query");
    return invalid(key, raw[key] ?? "", issue.message);
  }
  const actions = parseActions(params);
  if (!actions.ok) return actions;
  const p = parsed.data;
  let query: FilterQuery | null = null;
  if (p.q !== undefined && p.q.trim() !== "") {
    const filter = parseFilter(p.q);
    if (!filter.ok) return { ok: false, error: `invalid q: ${filter.error.message}` };
    query = filter.query;
  }
  const multiTenant = deployment === "multi-tenant";

  let fromMs: number;
  let toMs: number;
  if (p.endDate === undefined) {
    const startDay = p.startDate ?? today;
    let numDays = p.numDays ?? 0;
    if (multiTenant) numDays = Math.min(numDays, MULTI_TENANT_MAX_DAYS);
    fromMs = dayStartMs(startDay - numDays);
    toMs = dayStartMs(startDay + 1);
  } else {
    toMs = p.endDate;
    if (p.startDate !== undefined) {
      if (p.numDays !== undefined) return invalid("numDays", raw.numDays!, "cannot be combined with both startDate and endDate");
      fromMs = dayStartMs(p.startDate);
      if (fromMs >= toMs) return invalid("endDate", raw.endDate!, "must be after startDate (endDate is exclusive)");
    } else {
      let numDays = p.numDays ?? 0;
      if (multiTenant) numDays = Math.min(numDays, MULTI_TENANT_MAX_DAYS);
      fromMs = dayStartMs(dayNumber(toMs - 1) - numDays);
    }
    // Multi-tenant: at most 8 calendar days, counted back from the range's last day.
    if (multiTenant) fromMs = Math.max(fromMs, dayStartMs(dayNumber(toMs - 1) - MULTI_TENANT_MAX_DAYS));
  }

  const maxLimit = multiTenant ? MULTI_TENANT_MAX_LIMIT : MAX_LIMIT;
  if (p.limit !== undefined && (p.limit < 1 || p.limit > maxLimit)) {
    return invalid("limit", raw.limit!, `must be a whole number from 1 to ${maxLimit}`);
  }
  const envelope = p.limit !== undefined || p.endDate !== undefined || p.cursor !== undefined;
  return {
    ok: true,
    query: {
      anonymize: multiTenant ? false : (p.anonymize ?? false),
      firstDay: dayNumber(fromMs),
      lastDay: dayNumber(toMs - 1),
      fromMs,
      toMs,
      envelope,
      limit: p.limit ?? DEFAULT_LIMIT,
      cursor: p.cursor ?? null,
      filters: {
        actions: actions.actions,
        actorEmail: p.actor_email?.toLowerCase() ?? null,
        actorUserId: p.actor_user_id ?? null,
        ...(query !== null ? { query } : {}),
      },
    },
  };
}

/** A short digest of the filters, so a cursor cannot be replayed under other filters. */
export function filtersDigest(filters: AuditLogFilters): string {
  // Without q, the digest is what it was before q existed: cursors issued then stay valid.
  const parts: unknown[] = [filters.actions, filters.actorEmail, filters.actorUserId];
  if (filters.query) parts.push(canonicalQuery(filters.query));
  const text = JSON.stringify(parts);
  return createHash("sha256").update(text, "utf8").digest("base64url").slice(0, 16);
}
