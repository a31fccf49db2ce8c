import "server-only";
import type BetterSqlite3 from "better-sqlite3";
import { endOfDayMs, activityStartDay } from "../activity/calendar";
import type { ListedUser, UserRow } from "../activity/types";
import { buildUserRow, parseTeamsJson, type LifecycleRow, type UserActivity, type UserRecord } from "../activity/user-state";
import { parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";

export interface ListUsersQuery {
  /** `YYYY-MM-DD`. */
  asOf: string;
  deployment: Deployment;
}

const NO_ACTIVITY: UserActivity = { activeDays: 0, lastActiveMs: null };

/** A user and the summary of their active days (null when never active). */
interface UserWithActivity extends UserRecord {
  days: number | null;
  early_days: number | null;
  last_day: number | null;
  last_ts: number | null;
}

const COLUMNS = [
  "id",
  "email",
  "username",
  "name",
  "role",
  "teams",
  "models_seat",
  "reports",
  "runs",
  "in_directory",
  "directory_created_at",
  "directory_active",
  "first_seen_at",
  "first_invited_at",
] as const;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toRecord(v: readonly unknown[]): UserWithActivity {
  return {
    id: Number(v[0]),
    email: v[1] as string | null,
    username: v[2] as string | null,
    name: v[3] as string | null,
    role: v[4] as string | null,
    teams: v[5] as string | null,
    models_seat: v[6] as string | null,
    reports: Number(v[7]),
    runs: Number(v[8]),
    in_directory: Number(v[9]),
    directory_created_at: num(v[10]),
    directory_active: num(v[11]),
    first_seen_at: num(v[12]),
    first_invited_at: num(v[13]),
    days: num(v[14]),
    early_days: num(v[15]),
    last_day: num(v[16]),
    last_ts: num(v[17]),
  };
}

/**
 * Users read (and rows built) per step. better-sqlite3 runs a statement on the event loop, so
 * the whole list in one statement held every other request of the server for its length
 * (~30 ms at 10,000 users idle, several times that beside an ingest); in pages with a yield
 * between them a request waits at most for one page.
 */
const PAGE = 2_000;
/** Users whose active days up to a past asOf are counted per statement. */
const LATER_CHUNK = 500;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Page sizes: the defaults above; a test passes small ones to cross many page boundaries. */
export interface ListUsersPaging {
  page: number;
  laterChunk: number;
}
const PAGING: ListUsersPaging = { page: PAGE, laterChunk: LATER_CHUNK };

const SQLITE_USERS = `SELECT ${COLUMNS.map((c) => `u.${c}`).join(", ")}, a.days, a.early_days, a.last_day, a.last_ts
  FROM users u LEFT JOIN user_activity a ON a.org_id = u.org_id AND a.user_id = u.id
  WHERE +u.org_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`;
const sqliteUsers = new WeakMap<object, BetterSqlite3.Statement<[number, number, number], unknown[]>>();

/**
 * The organization's users in id order with their activity summary. On SQLite, rows come as
 * arrays from a prepared statement (about half the cost of row objects at 10,000 users),
 * each page run while holding Kysely's connection so no open transaction of another request
 * is seen; `+u.org_id` makes SQLite read the table in id order instead of sorting it. Pages
 * may see commits made between them: like the list's other reads, the answer is then newer
 * than the version it is cached under, never older (lib/db/data-version.ts).
 */
async function readUsers(store: Store, orgId: number, page: number): Promise<UserWithActivity[]> {
  const sqlite = store.sqlite;
  if (sqlite) {
    let stmt = sqliteUsers.get(sqlite);
    if (!stmt) {
      stmt = sqlite.prepare<[number, number, number], unknown[]>(SQLITE_USERS).raw(true);
      sqliteUsers.set(sqlite, stmt);
    }
    const prepared = stmt;
    const all: UserWithActivity[] = [];
    for (let after = 0; ;) {
      const rows = await store.db.connection().execute(async () => prepared.all(orgId, after, page).map(toRecord));
      for (const u of rows) all.push(u);
      if (rows.length < page) return all;
      after = rows[rows.length - 1]!.id;
      await yieldToRequests();
    }
  }
  const rows = await store.db
    .selectFrom("users as u")
    .leftJoin("user_activity as a", (join) => join.onRef("a.org_id", "=", "u.org_id").onRef("a.user_id", "=", "u.id"))
    .select([...COLUMNS.map((c) => `u.${c}` as const), "a.days", "a.early_days", "a.last_day", "a.last_ts"])
    .where("u.org_id", "=", orgId)
    .orderBy("u.id")
    .execute();
  return rows.map((r) =>
    toRecord([
      r.id,
      r.email,
      r.username,
      r.name,
      r.role,
      r.teams,
      r.models_seat,
      r.reports,
      r.runs,
      r.in_directory,
      r.directory_created_at,
      r.directory_active,
      r.first_seen_at,
      r.first_invited_at,
      r.days,
      r.early_days,
      r.last_day,
      r.last_ts,
    ]),
  );
}

/** Every user listed as of asOf (SPEC §4 and §6), in the order the store first knew them. */
export async function listUsers(store: Store, orgId: number, q: ListUsersQuery, paging: ListUsersPaging = PAGING): Promise<UserRow[]> {
  return readUserRows(store, orgId, q, { listed: false, only: null, paging });
}

/**
 * The same, each user with `id` (users.id, the user page's `/org/users/[id]`) and `inDirectory`:
 * the users API answer.
 */
export async function listListedUsers(store: Store, orgId: number, q: ListUsersQuery): Promise<ListedUser[]> {
  return readUserRows(store, orgId, q, { listed: true, only: null, paging: PAGING }) as Promise<ListedUser[]>;
}

/**
 * One user (users.id) as the users list shows it as of asOf, computed by the same code over the
 * same rows; null when the organization has no such user or does not list it (a deleted user).
 */
export async function getListedUser(store: Store, orgId: number, userId: number, q: ListUsersQuery): Promise<ListedUser | null> {
  const rows = (await readUserRows(store, orgId, q, { listed: true, only: userId, paging: PAGING })) as ListedUser[];
  return rows[0] ?? null;
}

async function readUserRows(
  store: Store,
  orgId: number,
  q: ListUsersQuery,
  o: { listed: boolean; only: number | null; paging: ListUsersPaging },
): Promise<UserRow[]> {
  const asOfDay = parseDate(q.asOf);
  if (asOfDay === null) throw new Error(`invalid asOf ${JSON.stringify(q.asOf)}`);
  const db = store.db;

  // Each user with the summary of their active days (user_activity, kept at ingest).
  const everyone = await readUsers(store, orgId, o.paging.page);
  const users = o.only === null ? everyone : everyone.filter((u) => u.id === o.only);

  // The summary is the answer when the user's last active day is not after asOf (always so
  // for today); the days up to asOf of anyone active later are counted from user_day.
  const start = activityStartDay(q.deployment);
  const activity = new Map<number, UserActivity>();
  const later: number[] = [];
  for (const u of users) {
    if (u.days === null || u.last_day === null || u.last_ts === null) continue;
    if (Number(u.last_day) > asOfDay) {
      later.push(u.id);
      continue;
    }
    const counted = start === null ? Number(u.days) : Number(u.days) - Number(u.early_days);
    if (counted > 0) activity.set(u.id, { activeDays: counted, lastActiveMs: Number(u.last_ts) });
  }
  // Some hundreds of users per statement (a yield between them, as for the pages above).
  const chunk = o.paging.laterChunk;
  for (let i = 0; i < later.length; i += chunk) {
    if (i > 0) await yieldToRequests();
    let days = db
      .selectFrom("user_day")
      .select((eb) => ["user_id", eb.fn.countAll<number>().as("days"), eb.fn.max("last_ts").as("last_ts")])
      .where("org_id", "=", orgId)
      .where("day", "<=", asOfDay)
      .where("user_id", "in", later.slice(i, i + chunk));
    if (start !== null) days = days.where("day", ">=", start);
    for (const r of await days.groupBy("user_id").execute()) {
      activity.set(Number(r.user_id), { activeDays: Number(r.days), lastActiveMs: Number(r.last_ts) });
    }
  }

  // Lifecycle rows decide a user's state only when a deactivate, reactivate or delete was ever
  // aimed at the user, and the teams only when the directory gave none: read just those
  // users' rows (most rows are the creates and invites of directory users).
  const end = endOfDayMs(asOfDay);
  const STATE_ACTIONS = ["user:deactivate", "user:reactivate", "user:delete", "user:permanently_delete"];
  const lifecycle = new Map<number, LifecycleRow[]>();
  const addLifecycle = (rows: { user_id: number; seq: number; ts: number; action: string; entity_name: string | null }[]) => {
    for (const r of rows) {
      const row: LifecycleRow = { seq: Number(r.seq), ts: Number(r.ts), action: r.action, entity_name: r.entity_name };
      const list = lifecycle.get(r.user_id);
      if (list) list.push(row);
      else lifecycle.set(r.user_id, [row]);
    }
  };
  addLifecycle(
    await db
      .selectFrom("user_lifecycle")
      .select(["user_id", "seq", "ts", "action", "entity_name"])
      .where("org_id", "=", orgId)
      .where("ts", "<", end)
      .where((eb) =>
        eb.or([
          eb("user_id", "in", eb.selectFrom("user_lifecycle").select("user_id").where("org_id", "=", orgId).where("action", "in", STATE_ACTIONS)),
          eb("user_id", "in", eb.selectFrom("users").select("id").where("org_id", "=", orgId).where("in_directory", "=", 0)),
        ]),
      )
      .execute(),
  );
  // A directory user without (readable) teams shows the teams events gave (rare).
  const noTeams = users.filter((u) => u.in_directory === 1 && parseTeamsJson(u.teams) === null && !lifecycle.has(u.id)).map((u) => u.id);
  for (let i = 0; i < noTeams.length; i += 500) {
    addLifecycle(
      await db
        .selectFrom("user_lifecycle")
        .select(["user_id", "seq", "ts", "action", "entity_name"])
        .where("org_id", "=", orgId)
        .where("ts", "<", end)
        .where("user_id", "in", noTeams.slice(i, i + 500))
        .execute(),
    );
  }

  const ctx = { asOfDay, deployment: q.deployment };
  const rows: UserRow[] = [];
  for (let i = 0; i < users.length; i++) {
    if (i > 0 && i % o.paging.page === 0) await yieldToRequests();
    const u = users[i]!;
    const row = buildUserRow(u, activity.get(u.id) ?? NO_ACTIVITY, lifecycle.get(u.id) ?? [], ctx);
    if (!row) continue;
    if (o.listed) {
      (row as ListedUser).id = u.id;
      (row as ListedUser).inDirectory = u.in_directory === 1;
    }
    rows.push(row);
  }
  return rows;
}
