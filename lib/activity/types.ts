/**
 * Response shapes of the dashboard API (SPEC §6), shared by route handlers, hooks and
 * components. Zod only: safe to import from client components.
 */
import { z } from "zod";
import { PANEL_RANGES, PERIODS } from "./periods";
import { STATUS_LABELS, USER_STATUSES } from "./status";

export { PANEL_RANGES, PERIODS, STATUS_LABELS, USER_STATUSES };

export const periodSchema = z.enum(PERIODS);
export type Period = z.infer<typeof periodSchema>;

export const panelRangeSchema = z.union([z.literal(7), z.literal(30), z.literal(90)]);
export type PanelRange = z.infer<typeof panelRangeSchema>;

/** Defaults of the seed's views: "Total active users" defaults to 3 months, the panel to 30 days. */
export const DEFAULT_PERIOD: Period = "3m";
export const DEFAULT_PANEL_RANGE: PanelRange = 30;

export const userStatusSchema = z.enum(USER_STATUSES);
export type UserStatus = z.infer<typeof userStatusSchema>;

/** `YYYY-MM-DD` (UTC calendar day). */
const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** RFC3339 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
const timestampString = z.string();

export const userRowSchema = z.object({
  username: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  role: z.string().nullable(),
  teams: z.array(z.string()),
  status: userStatusSchema,
  lastActive: timestampString.nullable(),
  addedAt: timestampString.nullable(),
  activeDays: z.number().int().nonnegative(),
  reports: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  modelsSeat: z.string().nullable(),
});
export type UserRow = z.infer<typeof userRowSchema>;

/**
 * A user of `GET /api/v1/users`: the SPEC §6 fields, plus `id` (users.id: the user page is
 * `/org/users/[id]`) and `inDirectory` (false for a user only events created: no name, username
 * or role to show; the page badges them "not in directory").
 */
export const listedUserSchema = userRowSchema.extend({ id: z.number().int().positive(), inDirectory: z.boolean() });
export type ListedUser = z.infer<typeof listedUserSchema>;

export const usersResponseSchema = z.object({
  asOf: dateString,
  users: z.array(listedUserSchema),
});
export type UsersResponse = z.infer<typeof usersResponseSchema>;

export const activityPointSchema = z.object({
  date: dateString,
  activeUsers: z.number().int().nonnegative(),
});
export type ActivityPoint = z.infer<typeof activityPointSchema>;

export const activityResponseSchema = z.object({
  period: periodSchema,
  from: dateString,
  to: dateString,
  totalActiveUsers: z.number().int().nonnegative(),
  series: z.array(activityPointSchema),
});
export type ActivityResponse = z.infer<typeof activityResponseSchema>;

export const weeklyPointSchema = z.object({
  /** The Monday of the ISO week (may fall before `from`; only days inside the range count). */
  weekStart: dateString,
  activeUsers: z.number().int().nonnegative(),
});
export type WeeklyPoint = z.infer<typeof weeklyPointSchema>;

export const mostActiveUserSchema = z.object({
  /** users.id (links to the user page), beside the SPEC §6 fields. */
  id: z.number().int().positive(),
  username: z.string().nullable(),
  email: z.string().nullable(),
  activeDays: z.number().int().nonnegative(),
  lastActive: timestampString,
});
export type MostActiveUser = z.infer<typeof mostActiveUserSchema>;

export const panelResponseSchema = z.object({
  from: dateString,
  to: dateString,
  activeUserCount: z.number().int().nonnegative(),
  weekly: z.array(weeklyPointSchema),
  mostActive: z.array(mostActiveUserSchema),
});
export type PanelResponse = z.infer<typeof panelResponseSchema>;

export const importRejectionSchema = z.object({ line: z.number().int(), error: z.string() });
export const importUsersResponseSchema = z.object({
  format: z.enum(["csv", "scim"]),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  rejected: z.array(importRejectionSchema),
});
export type ImportUsersResponse = z.infer<typeof importUsersResponseSchema>;

/** `GET /api/v1/users/[id]`: the user page (`/org/users/[id]`, docs/DASHBOARD.md). */
export const userDetailSchema = z.object({
  asOf: dateString,
  /** The user exactly as `GET /api/v1/users` lists it as of asOf. */
  user: listedUserSchema,
  /** The value `actor:` finds the user's events by: the email, else the platform user id, else the username. */
  actorTerm: z.string().nullable(),
  /** The 12 months ending on asOf (the `12m` period; multi-tenant: no earlier than 2025-05-08). */
  from: dateString,
  to: dateString,
  /** The user's active days in [from, to] with their active events (user_day), oldest first. */
  days: z.array(z.object({ date: dateString, events: z.number().int().positive() })),
  /** Every lifecycle event aimed at the user up to asOf, oldest first: who did it and its response code. */
  lifecycle: z.array(
    z.object({
      action: z.string(),
      timestamp: timestampString,
      team: z.string().nullable(),
      by: z.string().nullable(),
      status: z.number().int().nullable(),
    }),
  ),
});
export type UserDetail = z.infer<typeof userDetailSchema>;
