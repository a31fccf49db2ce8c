import { z } from "zod";
import { parseDate } from "./timestamp";
import type { Deployment } from "../env";

export const MULTI_TENANT_MAX_DAYS = 7;
const MAX_DAYS = 36_600;

const boolParam = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", ""], { message: 'must be "true" or "false"' }))
  .transform((s) => s === "true" || s === "1");

const numDaysParam = z
  .string()
  .regex(/^\d+$/, "must be a whole number of days (0 or more)")
  .transform(Number)
  .pipe(z.number().int().max(MAX_DAYS, `must be at most ${MAX_DAYS}`));

const dateParam = z
  .string()
  .refine((s) => parseDate(s) !== null, "must be a calendar date as YYYY-MM-DD")
  .transform((s) => parseDate(s)!);

export const auditLogQuerySchema = z.object({
  anonymize: boolParam.optional(),
  numDays: numDaysParam.optional(),
  startDate: dateParam.optional(),
});

export interface AuditLogQuery {
  anonymize: boolean;
  /** First and last UTC day of the window (inclusive), as day numbers. */
  firstDay: number;
  lastDay: number;
}

/**
 * SPEC §5: the days from startDate − numDays to startDate, both inclusive. Multi-tenant caps
 * numDays at 7 and always includes PII.
 */
export function parseAuditLogQuery(
  params: URLSearchParams,
  deployment: Deployment,
  today: number,
): { ok: true; query: AuditLogQuery } | { ok: false; error: string } {
  const raw: Record<string, string> = {};
  for (const key of ["anonymize", "numDays", "startDate"] as const) {
    const v = params.get(key);
    if (v !== null) raw[key] = v;
  }
  const parsed = auditLogQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? "query");
    return { ok: false, error: `invalid ${key} ${JSON.stringify(raw[key] ?? "")}: ${issue.message}` };
  }
  const startDay = parsed.data.startDate ?? today;
  let numDays = parsed.data.numDays ?? 0;
  if (deployment === "multi-tenant") numDays = Math.min(numDays, MULTI_TENANT_MAX_DAYS);
  const anonymize = deployment === "multi-tenant" ? false : (parsed.data.anonymize ?? false);
  return { ok: true, query: { anonymize, firstDay: startDay - numDays, lastDay: startDay } };
}
