/**
 * One user's row as the dashboard shows it (SPEC §4): lifecycle, status, teams, date added.
 * Pure: the queries hand in per-user aggregates and the user's lifecycle rows.
 */
import type { Selectable } from "kysely";
import { GONE_ACTIONS, isLifecycleAction } from "../audit/schema";
import { dayNumber, formatTimestamp } from "../audit/timestamp";
import type { UsersTable } from "../db/types";
import type { Deployment } from "../env";
import { activityStartDay, endOfDayMs, sixMonthCutoff } from "./calendar";
import type { UserRow, UserStatus } from "./types";

/** The stored user, as read from `users` (the columns the dashboard needs). */
export type UserRecord = Omit<Selectable<UsersTable>, "org_id" | "external_id" | "email_key">;

/** Active days and last activity up to asOf (already restricted to the days that count). */
export interface UserActivity {
  activeDays: number;
  lastActiveMs: number | null;
}

/** A `user_lifecycle` row: a lifecycle or team event aimed at the user. */
export interface LifecycleRow {
  seq: number;
  ts: number;
  action: string;
  entity_name: string | null;
}

export interface AsOfContext {
  asOfDay: number;
  deployment: Deployment;
}

export interface LifecycleState {
  deactivated: boolean;
  gone: boolean;
}

const GONE: ReadonlySet<string> = new Set(GONE_ACTIONS);

/** Chronological order; events of the same millisecond keep their log order (seq). */
export function byTimeThenSeq(a: LifecycleRow, b: LifecycleRow): number {
  return a.ts - b.ts || a.seq - b.seq;
}

/** Lifecycle rows up to the end of the asOf day, oldest first. */
function upTo(rows: readonly LifecycleRow[], asOfDay: number): LifecycleRow[] {
  const end = endOfDayMs(asOfDay);
  return rows.filter((r) => r.ts < end).sort(byTimeThenSeq);
}

/**
 * Deactivated: the latest of deactivate / reactivate is a deactivate. Gone: the latest
 * lifecycle event of any kind is a delete (a later create, invite or reactivate revives).
 */
export function lifecycleState(rows: readonly LifecycleRow[], asOfDay: number): LifecycleState {
  let deactivated = false;
  let last: string | null = null;
  for (const r of upTo(rows, asOfDay)) {
    if (r.action === "user:deactivate") deactivated = true;
    else if (r.action === "user:reactivate") deactivated = false;
    if (isLifecycleAction(r.action)) last = r.action;
  }
  return { deactivated, gone: last !== null && GONE.has(last) };
}

/**
 * Teams from events: each `team:invite_user` adds its entity, a later `team:uninvite` of the
 * same entity removes it. An uninvite naming no entity removes nothing (the team is unknown).
 */
export function teamsFromEvents(rows: readonly LifecycleRow[], asOfDay: number): string[] {
  const teams = new Set<string>();
  for (const r of upTo(rows, asOfDay)) {
    if (r.entity_name === null) continue;
    if (r.action === "team:invite_user") teams.add(r.entity_name);
    else if (r.action === "team:uninvite") teams.delete(r.entity_name);
  }
  return sortTeams(teams);
}

/** Sorted by code unit and without duplicates: the same order on every store and locale. */
export function sortTeams(teams: Iterable<string>): string[] {
  return [...new Set(teams)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function parseTeamsJson(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value)) return value.filter((t): t is string => typeof t === "string");
  } catch {
    // a corrupt value reads as "the directory listed no teams"
  }
  return null;
}

/** The directory's teams for a directory user, else the teams events left the user in. */
export function teamsOf(user: Pick<UserRecord, "in_directory" | "teams">, rows: readonly LifecycleRow[], asOfDay: number): string[] {
  const directory = user.in_directory === 1 ? parseTeamsJson(user.teams) : null;
  return directory !== null ? sortTeams(directory) : teamsFromEvents(rows, asOfDay);
}

/** SCIM `meta.created`, else the first create / invite, else the first event; each only up to asOf. */
export function addedAtMs(user: Pick<UserRecord, "directory_created_at" | "first_invited_at" | "first_seen_at">, asOfDay: number): number | null {
  const end = endOfDayMs(asOfDay);
  for (const t of [user.directory_created_at, user.first_invited_at, user.first_seen_at]) {
    if (t !== null && t < end) return t;
  }
  return null;
}

/**
 * Listed as of asOf: not gone, and known by then: a directory user (whose SCIM creation
 * date, when there is one, is not after asOf) or a user some event named by then.
 */
export function isListed(user: UserRecord, state: LifecycleState, asOfDay: number): boolean {
  if (state.gone) return false;
  const end = endOfDayMs(asOfDay);
  if (user.in_directory === 1 && (user.directory_created_at === null || user.directory_created_at < end)) return true;
  return (user.first_seen_at !== null && user.first_seen_at < end) || (user.first_invited_at !== null && user.first_invited_at < end);
}

/** SPEC §4 status: deactivated > never active > active within six months > inactive. */
export function deriveStatus(input: { deactivated: boolean; lastActiveMs: number | null; asOfDay: number; deployment: Deployment }): UserStatus {
  if (input.deactivated) return "deactivated";
  if (input.lastActiveMs === null) return input.deployment === "multi-tenant" ? "inactive" : "invite_pending";
  return dayNumber(input.lastActiveMs) >= sixMonthCutoff(input.asOfDay) ? "active" : "inactive";
}

/**
 * Reference summary of a user's `user_day` rows (the queries compute the same in SQL):
 * days after asOf, and in multi-tenant mode days before 2025-05-08, do not count.
 */
export function summarizeUserDays(days: readonly { day: number; last_ts: number }[], ctx: AsOfContext): UserActivity {
  const start = activityStartDay(ctx.deployment);
  let activeDays = 0;
  let lastActiveMs: number | null = null;
  for (const d of days) {
    if (d.day > ctx.asOfDay || (start !== null && d.day < start)) continue;
    activeDays++;
    if (lastActiveMs === null || d.last_ts > lastActiveMs) lastActiveMs = d.last_ts;
  }
  return { activeDays, lastActiveMs };
}

/** The user's row as of asOf, or null when the user is not listed (gone, or not yet known). */
export function buildUserRow(user: UserRecord, activity: UserActivity, lifecycle: readonly LifecycleRow[], ctx: AsOfContext): UserRow | null {
  const state = lifecycleState(lifecycle, ctx.asOfDay);
  if (!isListed(user, state, ctx.asOfDay)) return null;
  // The directory's `active: false`: Deactivated, except in multi-tenant mode, where the
  // platform removes such a member from the organization (docs/DIRECTORY_SYNC.md).
  if (user.directory_active === 0 && ctx.deployment === "multi-tenant") return null;
  const deactivated = state.deactivated || user.directory_active === 0;
  const added = addedAtMs(user, ctx.asOfDay);
  return {
    username: user.username,
    name: user.name,
    email: user.email,
    role: user.role,
    teams: teamsOf(user, lifecycle, ctx.asOfDay),
    status: deriveStatus({ deactivated, lastActiveMs: activity.lastActiveMs, asOfDay: ctx.asOfDay, deployment: ctx.deployment }),
    lastActive: activity.lastActiveMs === null ? null : formatTimestamp(activity.lastActiveMs),
    addedAt: added === null ? null : formatTimestamp(added),
    activeDays: activity.activeDays,
    reports: user.reports,
    runs: user.runs,
    modelsSeat: user.models_seat,
  };
}
