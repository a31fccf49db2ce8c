import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { hashSecret } from "./keys";
import type { Account } from "./accounts";

export const SESSION_COOKIE = "orgtrail_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Starts a session; the cookie holds a random token, the store only its hash. */
export async function createSession(db: Kysely<Database>, accountId: number): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const expiresAt = now + SESSION_TTL_MS;
  await db.insertInto("sessions").values({ token_hash: hashSecret(token), account_id: accountId, created_at: now, expires_at: expiresAt }).execute();
  return { token, expiresAt };
}

export async function accountForSession(db: Kysely<Database>, token: string): Promise<Account | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("accounts", "accounts.id", "sessions.account_id")
    .select(["accounts.id", "accounts.username", "accounts.default_org_id", "sessions.expires_at"])
    .where("sessions.token_hash", "=", hashSecret(token))
    .executeTakeFirst();
  if (!row || Number(row.expires_at) < Date.now()) return null;
  return { id: row.id, username: row.username, defaultOrgId: row.default_org_id };
}

export async function deleteSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", hashSecret(token)).execute();
}

/** Cookie attributes: HttpOnly, SameSite=Lax, Secure when served over HTTPS. */
export function sessionCookie(token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
