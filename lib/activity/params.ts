/**
 * Query parameters of the dashboard API, validated with zod. Every failure message names
 * the parameter so a 400 tells the caller what to fix.
 */
import { z } from "zod";
import { formatDate, parseDate, todayDay } from "../audit/timestamp";
import { badRequest } from "../http/errors";
import { USER_STATUSES } from "./status";
import { DEFAULT_PANEL_RANGE, DEFAULT_PERIOD, PERIODS, type PanelRange, type Period } from "./types";

/** A real calendar date `YYYY-MM-DD` (`2026-02-30` is refused). */
export const asOfSchema = z.string().refine((s) => parseDate(s) !== null, { message: "asOf must be a calendar date YYYY-MM-DD" });

export const periodParamSchema = z.enum(PERIODS, { message: `period must be one of ${PERIODS.join(", ")}` });

export const panelRangeParamSchema = z
  .string()
  .refine((s) => s === "7" || s === "30" || s === "90", { message: "range must be 7, 30 or 90" })
  .transform((s) => Number(s) as PanelRange);

/** `?status=`: only the users of this status (SPEC §4 values). */
export const userStatusParamSchema = z.enum(USER_STATUSES, { message: `status must be one of ${USER_STATUSES.join(", ")}` });

export const usersQuerySchema = z.object({ asOf: asOfSchema.optional(), status: userStatusParamSchema.optional() });
export const activityQuerySchema = z.object({
  asOf: asOfSchema.optional(),
  period: periodParamSchema.default(DEFAULT_PERIOD),
});
export const panelQuerySchema = z.object({
  asOf: asOfSchema.optional(),
  range: panelRangeParamSchema.default(DEFAULT_PANEL_RANGE),
});

export type ParamsResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validates the search parameters of a URL against a schema. A parameter given twice is
 * refused rather than silently reduced to one of its values.
 */
export function parseSearchParams<S extends z.ZodType>(params: URLSearchParams, schema: S): ParamsResult<z.output<S>> {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) return { ok: false, error: `parameter ${key} is given more than once` };
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const name = issue?.path.map(String).join(".") ?? "";
  const message = issue?.message ?? "invalid parameters";
  return { ok: false, error: name && !message.startsWith(name) ? `${name}: ${message}` : message };
}

/** The request's query parameters, validated; a 400 naming the parameter otherwise. */
export function queryParams<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const parsed = parseSearchParams(new URL(request.url).searchParams, schema);
  if (!parsed.ok) throw badRequest(parsed.error);
  return parsed.value;
}

/** The default `asOf`: ORGTRAIL_TODAY when set (demos, tests), else today's UTC date. */
export function defaultAsOf(configuredToday: string | undefined, now: number = Date.now()): string {
  if (configuredToday !== undefined && parseDate(configuredToday) !== null) return configuredToday;
  return formatDate(todayDay(now));
}

export type { Period, PanelRange };
