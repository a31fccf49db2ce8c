/**
 * Browser sessions. The cookie holds a random token, the store only its SHA-256. A session
 * ends at the first of: sign-out, `orgtrail admin revoke` or `rotate-key` (every session of
 * the account), ORGTRAIL_SESSION_IDLE_MINUTES without a request, ORGTRAIL_SESSION_MAX_HOURS
 * after sign-in. Over https the cookie is `__Host-orgtrail_session` (Secure, Path=/, no
 * Domain: no other host or path can set or shadow it).
 *
 * For sign-in flows (API key, single sign-on): `startSession(request, db, account, method)`
 * (lib/auth/sign-in.ts) creates the session, records the sign-in in the access log and returns
 * the cookie; `endSession(request, db)` is its opposite.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { executeIfFree } from "../db/write-if-free";
import { env } from "../env";
import type { Account } from "./accounts";
import { hashSecret } from "./keys";

export const SESSION_COOKIE = "orgtrail_session";
/** The cookie's name over https. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** How often a session's last-seen time is written (at most). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionMeta {
  /** Client address at sign-in (lib/auth/client-address.ts). */
  address?: string | null;
  userAgent?: string | null;
  /** `api_key`, `sso`... */
  method?: string | null;
}

export function sessionLimits(): { idleMs: number; maxMs: number } {
  const e = env();
  return { idleMs: e.ORGTRAIL_SESSION_IDLE_MINUTES * 60_000, maxMs: e.ORGTRAIL_SESSION_MAX_HOURS * 3_600_000 };
}

/** Starts a session; returns the token for the cookie and the session's absolute end. */
export async function createSession(
  db: Kysely<Database>,
  accountId: number,
  meta: SessionMeta = {},
  now = Date.now(),
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = now + sessionLimits().maxMs;
  await db
    .insertInto("sessions")
    .values({
      token_hash: hashSecret(token),
      account_id: accountId,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
      address: meta.address?.slice(0, 100) ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      method: meta.method ?? null,
    })
    .execute();
  return { token, expiresAt };
}

/** The session's account, or null when it is unknown, revoked, idle too long or past its end. Counts as activity. */
export async function accountForSession(db: Kysely<Database>, token: string, now = Date.now()): Promise<Account | null> {
  const hash = hashSecret(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("accounts", "accounts.id", "sessions.account_id")
    .select(["accounts.id", "accounts.username", "accounts.default_org_id", "sessions.created_at", "sessions.expires_at", "sessions.last_seen_at"])
    .where("sessions.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row) return null;
  const { idleMs, maxMs } = sessionLimits();
  const lastSeen = Number(row.last_seen_at ?? row.created_at);
  const end = Math.min(Number(row.expires_at), Number(row.created_at) + maxMs);
  // Neither write waits for the SQLite write lock (on the event loop, every request would wait
  // for a CLI ingest's batch): when it is taken, an ended session is deleted by a later request
  // or the daily purge, and the touch is made by a later request (one a minute is enough).
  if (now >= end || now - lastSeen > idleMs) {
    await executeIfFree(db, db.deleteFrom("sessions").where("token_hash", "=", hash));
    return null;
  }
  if (now - lastSeen >= TOUCH_EVERY_MS) await executeIfFree(db, db.updateTable("sessions").set({ last_seen_at: now }).where("token_hash", "=", hash));
  return { id: row.id, username: row.username, defaultOrgId: row.default_org_id };
}

export async function deleteSession(db: Kysely<Database>, token: string): Promise<number | null> {
  const row = await db.deleteFrom("sessions").where("token_hash", "=", hashSecret(token)).returning("account_id").executeTakeFirst();
  return row ? Number(row.account_id) : null;
}

/** Ends every session of the account; returns how many there were. */
export async function revokeSessions(db: Kysely<Database>, accountId: number): Promise<number> {
  const result = await db.deleteFrom("sessions").where("account_id", "=", accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface SessionView {
  createdAt: string;
  lastSeenAt: string;
  /** When it ends unless used again (idle) or at the latest (absolute), whichever comes first. */
  expiresAt: string;
  address: string | null;
  userAgent: string | null;
  method: string | null;
}

/** The account's live sessions, newest first. */
export async function listSessions(db: Kysely<Database>, accountId: number, now = Date.now()): Promise<SessionView[]> {
  const rows = await db.selectFrom("sessions").selectAll().where("account_id", "=", accountId).orderBy("created_at", "desc").execute();
  const { idleMs, maxMs } = sessionLimits();
  const iso = (ms: number) => new Date(ms).toISOString();
  return rows.flatMap((r) => {
    const lastSeen = Number(r.last_seen_at ?? r.created_at);
    const end = Math.min(Number(r.expires_at), Number(r.created_at) + maxMs, lastSeen + idleMs);
    if (end <= now) return [];
    return [
      { createdAt: iso(Number(r.created_at)), lastSeenAt: iso(lastSeen), expiresAt: iso(end), address: r.address, userAgent: r.user_agent, method: r.method },
    ];
  });
}

/** Deletes sessions that have ended (the daily access-log job); returns how many. */
export async function deleteEndedSessions(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const { idleMs, maxMs } = sessionLimits();
  const result = await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([
        eb("expires_at", "<=", now),
        eb("created_at", "<=", now - maxMs),
        eb.and([eb("last_seen_at", "is not", null), eb("last_seen_at", "<", now - idleMs)]),
        eb.and([eb("last_seen_at", "is", null), eb("created_at", "<", now - idleMs)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The session cookie to set: `__Host-` prefixed and Secure over https; HttpOnly, SameSite=Lax, Path=/. */
export function sessionCookie(token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

/** Clears both cookie names (a browser may hold either). */
export function clearSessionCookies(): string[] {
  return [`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`, `${SECURE_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure`];
}

/**
 * The session token a request carries. Over https only the `__Host-` cookie counts: a plain
 * cookie could have been planted by anyone on the network or on a sibling host.
 */
export function sessionToken(cookieHeader: string | null, secure: boolean): string | null {
  return readCookie(cookieHeader, SECURE_SESSION_COOKIE) ?? (secure ? null : readCookie(cookieHeader, SESSION_COOKIE));
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
