import type { Kysely } from "kysely";
import type { Store } from "../db/client";
import { getStore } from "../db/client";
import type { Database } from "../db/types";
import { env, type Deployment } from "../env";
import { badRequest, forbidden, HttpError, tooManyRequests, unauthorized } from "../http/errors";
import { verifyApiKey, type Account, type Role } from "./accounts";
import { parseBasicAuth } from "./basic";
import { throttleKey } from "../net/client-ip";
import { noteAccount, noteAttempt } from "./access-log";
import { clientAddress } from "./client-address";
import { accountForSession } from "./sessions";
import { requestSessionToken } from "./sign-in";
import { authThrottle } from "./throttle";

export const MULTI_ORG_ERROR = "user is associated with multiple organizations but no valid org ID found in user info";

export interface OrgContext {
  store: Store;
  account: Account;
  orgId: number;
  orgSlug: string;
  role: Role;
  deployment: Deployment;
}

/**
 * Checks a username + API key. A correct key is always accepted, whoever else failed before
 * (keys are 256-bit random: guessing is hopeless, locking the real admin out is the attack).
 * A wrong one counts against the client's address (lib/auth/client-address.ts; IPv6 per /64):
 * past 50 failures in 5 minutes its wrong attempts answer 429 with Retry-After instead of 401.
 */
export async function checkCredentials(request: Request, db: Kysely<Database>, username: string, key: string): Promise<Account | null> {
  const account = await verifyApiKey(db, username, key);
  if (account) {
    noteAccount(request, account.id, account.username);
    return account;
  }
  noteAttempt(request, username);
  countFailure(request);
  return null;
}

/** Counts a failed attempt against the client; throws 429 when it is over its limit. */
function countFailure(request: Request): void {
  const throttle = authThrottle();
  const key = throttleKey(clientAddress(request));
  const wait = throttle.retryAfter(key);
  throttle.fail(key);
  if (wait > 0) throw tooManyRequests(wait);
}

/** The signed-in account: HTTP Basic `username:API-KEY`, or a session cookie. */
export async function authenticate(request: Request, db: Kysely<Database>, options: AuthOptions = {}): Promise<Account> {
  // API keys are credentials: a URL ends up in logs and browser history, so never accept one there.
  const params = new URL(request.url).searchParams;
  if (params.has("api_key") || params.has("apiKey") || params.has("key") || params.has("token"))
    throw badRequest("credentials are not accepted in the query string: use the Authorization header");
  const header = request.headers.get("authorization");
  if (header) {
    const creds = parseBasicAuth(header);
    if (!creds) {
      countFailure(request);
      throw unauthorized("invalid username or API key");
    }
    const account = await checkCredentials(request, db, creds.username, creds.key);
    if (!account) throw unauthorized("invalid username or API key");
    return account;
  }
  const token = requestSessionToken(request);
  if (token) {
    const account = await accountForSession(db, token);
    if (account) {
      noteAccount(request, account.id, account.username);
      return account;
    }
  }
  // A browser whose session expired must not get the Basic challenge: it would pop its own
  // password dialog over the dashboard. API clients that use Basic get it (SPEC §5).
  throw options.basicChallenge ? unauthorized() : new HttpError(401, "unauthorized", "authentication required");
}

export interface AuthOptions {
  /** Answer 401 with `WWW-Authenticate: Basic` also when no credentials were sent (machine APIs). */
  basicChallenge?: boolean;
}

/**
 * The organization a call acts on. `requested` (the `org=SLUG` parameter) must be one of the
 * account's organizations (403 otherwise, also for a slug that does not exist: no probing).
 * Without it: the account's only one, else its default organization. With several and no
 * default, multi-tenant answers the seed's 400; the other modes fall back to the instance's
 * `default` organization, then the oldest membership.
 */
export async function resolveOrg(db: Kysely<Database>, account: Account, deployment: Deployment, requested?: string | null) {
  const memberships = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select(["organizations.id as orgId", "organizations.slug as slug", "memberships.role as role"])
    .where("memberships.account_id", "=", account.id)
    .orderBy("memberships.created_at")
    .orderBy("organizations.id")
    .execute();
  if (requested) {
    const m = memberships.find((x) => x.slug === requested);
    if (!m) throw forbidden(`this account is not a member of the organization ${JSON.stringify(requested)}`);
    return m;
  }
  if (memberships.length === 0) throw forbidden("this account is not a member of any organization");
  if (memberships.length === 1) return memberships[0]!;
  const byDefault = memberships.find((m) => m.orgId === account.defaultOrgId);
  if (byDefault) return byDefault;
  if (deployment === "multi-tenant") throw badRequest(MULTI_ORG_ERROR);
  return memberships.find((m) => m.slug === "default") ?? memberships[0]!;
}

/** What a route needs of the account's role in the organization: `admin`, or `reader` (admin or auditor). */
export type RoleNeed = "admin" | "reader";

export function roleAllows(role: Role, need: RoleNeed): boolean {
  if (role === "admin") return true;
  return need === "reader" && role === "auditor";
}

/**
 * Authenticates, resolves the organization (`org=SLUG` when given) and checks the role.
 * Routes reach this through lib/http/route.ts.
 */
export async function requireOrgRole(request: Request, need: RoleNeed, options: AuthOptions = {}): Promise<OrgContext> {
  const store = await getStore();
  const account = await authenticate(request, store.db, options);
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  const requested = new URL(request.url).searchParams.get("org");
  const m = await resolveOrg(store.db, account, deployment, requested);
  const role = m.role as Role;
  if (!roleAllows(role, need)) throw forbidden(need === "admin" ? "organization admin role required" : "organization admin or auditor role required");
  return { store, account, orgId: m.orgId, orgSlug: m.slug, role, deployment };
}
