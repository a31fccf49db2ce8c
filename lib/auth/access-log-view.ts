/**
 * Shapes of the access-log API (GET /api/v1/settings/access-log), shared by the route and the
 * Settings card. Zod only: safe in client components.
 */
import { z } from "zod";

export const accessLogQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "limit: a whole number from 1 to 200")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, "limit: a whole number from 1 to 200")
    .optional(),
  /** Entries older than this one (its `id`): the next page. */
  before: z
    .string()
    .regex(/^\d{1,15}$/, "before: an entry id")
    .transform(Number)
    .optional(),
});

export const accessLogEntrySchema = z.object({
  id: z.number(),
  /** The entry's time; an aggregated entry: the start of its minute. */
  at: z.string(),
  /** The latest request an aggregated entry stands for. */
  lastAt: z.string(),
  /** `request`, `refused`, `sign_in`, `sign_out`, `key_rotated`, `sessions_revoked`. */
  event: z.string(),
  username: z.string().nullable(),
  client: z.string().nullable(),
  userAgent: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  /** How many requests the entry stands for. */
  count: z.number(),
  detail: z.string().nullable(),
});
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;

export const accessLogPageSchema = z.object({
  entries: z.array(accessLogEntrySchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().nullable(),
  /** False: only entries of this organization's accounts are shown (an instance admin sees all). */
  wholeInstance: z.boolean(),
});
export type AccessLogPage = z.infer<typeof accessLogPageSchema>;
