import type { Kysely } from "kysely";
import type { Store } from "../db/client";
import { getStore } from "../db/client";
import type { Database } from "../db/types";
import { env, type Deployment } from "../env";
import { badRequest, forbidden, unauthorized } from "../http/errors";
import { verifyApiKey, type Account, type Role } from "./accounts";
import { parseBasicAuth } from "./basic";
import { noteAccount } from "../http/access-log";
import { accountForSession, readCookie, SESSION_COOKIE } from "./sessions";

export const MULTI_ORG_ERROR = "user is associated with multiple organizations but no valid org ID found in user info";

export interface OrgContext {
  store: Store;
  account: Account;
  orgId: number;
  orgSlug: string;
  role: Role;
  deployment: Deployment;
}

/** The signed-in account: a session cookie, or HTTP Basic `username:API-KEY`. */
export async function authenticate(request: Request, db: Kysely<Database>): Promise<Account> {
  const header = request.headers.get("authorization");
  if (header) {
    const creds = parseBasicAuth(header);
    if (!creds) throw unauthorized("malformed Basic credentials");
    const account = await verifyApiKey(db, creds.username, creds.key);
    if (!account) throw unauthorized("invalid username or API key");
    noteAccount(request, account.id);
    return account;
  }
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (token) {
    const account = await accountForSession(db, token);
    if (account) {
      noteAccount(request, account.id);
      return account;
    }
  }
  throw unauthorized();
}

/**
 * The organization an API call acts on: the account's only one, else its default API
 * organization. With several and no default, multi-tenant answers the seed's 400; the other
 * modes fall back to the instance's `default` organization, then the oldest membership.
 */
export async function resolveOrg(db: Kysely<Database>, account: Account, deployment: Deployment) {
  const memberships = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select(["organizations.id as orgId", "organizations.slug as slug", "memberships.role as role"])
    .where("memberships.account_id", "=", account.id)
    .orderBy("memberships.created_at")
    .orderBy("organizations.id")
    .execute();
  if (memberships.length === 0) throw forbidden("this account is not a member of any organization");
  if (memberships.length === 1) return memberships[0]!;
  const byDefault = memberships.find((m) => m.orgId === account.defaultOrgId);
  if (byDefault) return byDefault;
  if (deployment === "multi-tenant") throw badRequest(MULTI_ORG_ERROR);
  return memberships.find((m) => m.slug === "default") ?? memberships[0]!;
}

/** Authenticates, resolves the organization and requires its admin role. */
export async function requireOrgAdmin(request: Request): Promise<OrgContext> {
  const store = await getStore();
  const account = await authenticate(request, store.db);
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  const m = await resolveOrg(store.db, account, deployment);
  if (m.role !== "admin") throw forbidden();
  return { store, account, orgId: m.orgId, orgSlug: m.slug, role: m.role, deployment };
}
