/**
 * The rollups of user_day kept in the ingest transaction, planned from a batch's user-day
 * feed (lib/ingest/plan-batch.ts) and two lookups of what user_day held before the batch:
 *
 * - `user_day`: one row per user and UTC day with an active event (new, or grown);
 * - `user_activity`: per user, the number of user_day rows (and of those before the
 *   multi-tenant start), the first and last active day, the last active time; the active
 *   days in the 7, 30 and 90 days ending on the last active day are recounted by the
 *   executor for the users with new rows (`recount`);
 * - `user_block`: per user and group of 32 days, the first and last active day in it (the
 *   batch's new days only: a grown row adds no day);
 * - `day_activity` / `week_activity`: per day / ISO week, the distinct users active in it.
 *
 * A user's week is new when the user had no user_day row in it before the batch. The counts
 * grow by the new rows only, so re-ingesting changes nothing. Pure.
 */
import { activityStartDay, blockOf, isoWeekStart } from "../activity/calendar";
import type { DayDelta } from "./plan-batch";

export interface RollupLookups {
  /** Whether user_day holds (user, day) (before the batch). Never asked for a user the batch creates. */
  userDayExists(userId: number, day: number): boolean;
  /** Whether user_day holds any day of the ISO week starting on `week` for the user (before the batch). */
  weekHadDays(userId: number, week: number): boolean;
}

export interface UserDayWrite extends DayDelta {
  /** A new row (insert), else the events are added and the times widened. */
  isNew: boolean;
}

/** Added to a user's user_activity row (inserted when the user has none). */
export interface UserActivityDelta {
  user_id: number;
  days: number;
  early_days: number;
  first_day: number;
  last_day: number;
  last_ts: number;
}

/** Merged into a user's user_block row (inserted when none): the smaller first day, the larger last day. */
export interface UserBlockDelta {
  user_id: number;
  block: number;
  first_day: number;
  last_day: number;
}

export interface RollupPlan {
  userDays: UserDayWrite[];
  userActivity: UserActivityDelta[];
  /** One per (user, block) with new days. */
  userBlocks: UserBlockDelta[];
  /** Users with new user_day rows: their d7/d30/d90 are recounted after the writes. */
  recount: number[];
  /** Distinct users added per day / per ISO week. */
  dayActivity: { day: number; users: number }[];
  weekActivity: { week: number; users: number }[];
}

/** The multi-tenant start (2025-05-08): days before it are counted apart as early days. */
const EARLY_BEFORE = activityStartDay("multi-tenant") as number;

export function planRollups(days: readonly DayDelta[], lookups: RollupLookups): RollupPlan {
  const userDays: UserDayWrite[] = [];
  const users = new Map<number, UserActivityDelta>();
  const perDay = new Map<number, number>();
  const blocks = new Map<string, UserBlockDelta>();
  const weeks = new Map<number, Set<number>>(); // week → users with a new row in it
  for (const d of days) {
    const isNew = d.user_id < 0 || !lookups.userDayExists(d.user_id, d.day);
    userDays.push({ ...d, isNew });
    const added = isNew ? 1 : 0;
    const early = isNew && d.day < EARLY_BEFORE ? 1 : 0;
    const u = users.get(d.user_id);
    if (u) {
      u.days += added;
      u.early_days += early;
      if (d.day < u.first_day) u.first_day = d.day;
      if (d.day > u.last_day) u.last_day = d.day;
      if (d.last_ts > u.last_ts) u.last_ts = d.last_ts;
    } else users.set(d.user_id, { user_id: d.user_id, days: added, early_days: early, first_day: d.day, last_day: d.day, last_ts: d.last_ts });
    if (!isNew) continue;
    perDay.set(d.day, (perDay.get(d.day) ?? 0) + 1);
    const block = blockOf(d.day);
    const b = blocks.get(`${d.user_id}:${block}`);
    if (b) {
      if (d.day < b.first_day) b.first_day = d.day;
      if (d.day > b.last_day) b.last_day = d.day;
    } else blocks.set(`${d.user_id}:${block}`, { user_id: d.user_id, block, first_day: d.day, last_day: d.day });
    const week = isoWeekStart(d.day);
    let set = weeks.get(week);
    if (!set) weeks.set(week, (set = new Set()));
    set.add(d.user_id);
  }
  const weekActivity: { week: number; users: number }[] = [];
  for (const [week, set] of weeks) {
    let n = 0;
    for (const user of set) if (user < 0 || !lookups.weekHadDays(user, week)) n++;
    if (n > 0) weekActivity.push({ week, users: n });
  }
  const userActivity = [...users.values()];
  return {
    userDays,
    userActivity,
    userBlocks: [...blocks.values()],
    recount: userActivity.filter((u) => u.days > 0).map((u) => u.user_id),
    dayActivity: [...perDay].map(([day, n]) => ({ day, users: n })),
    weekActivity,
  };
}
