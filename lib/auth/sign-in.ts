/**
 * Starting and ending a browser session, the same way for every sign-in method (API key here,
 * single sign-on in its own route): the session, its cookie, and the access-log entry.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { isHttps } from "../web/same-origin";
import type { Account } from "./accounts";
import { recordAuthEvent } from "./access-log";
import { clientAddress } from "./client-address";
import { clearSessionCookies, createSession, deleteSession, sessionCookie, sessionToken } from "./sessions";

/** Creates a session for `account`, records the sign-in, and returns the `Set-Cookie` value. */
export async function startSession(request: Request, db: Kysely<Database>, account: Account, method: "api_key" | "sso" | (string & {})): Promise<string> {
  const { token, expiresAt } = await createSession(db, account.id, { address: clientAddress(request), userAgent: request.headers.get("user-agent"), method });
  await recordAuthEvent(db, "sign_in", { request, accountId: account.id, username: account.username, detail: method });
  return sessionCookie(token, expiresAt, isHttps(request));
}

/** Ends the request's session (if any), records the sign-out, and returns the `Set-Cookie` values that clear it. */
export async function endSession(request: Request, db: Kysely<Database>): Promise<string[]> {
  const token = sessionToken(request.headers.get("cookie"), isHttps(request));
  if (token) {
    const accountId = await deleteSession(db, token);
    if (accountId !== null) {
      const account = await db.selectFrom("accounts").select("username").where("id", "=", accountId).executeTakeFirst();
      await recordAuthEvent(db, "sign_out", { request, accountId, username: account?.username ?? null });
    }
  }
  return clearSessionCookies();
}

/** The session token of a request (the right cookie name for its scheme). */
export function requestSessionToken(request: Request): string | null {
  return sessionToken(request.headers.get("cookie"), isHttps(request));
}
