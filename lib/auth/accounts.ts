import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { DEFAULT_ORG, ensureOrg } from "../db/orgs";
import { hashSecret, newApiKey, secretMatches } from "./keys";

/** `admin`: everything; `auditor`: reads everything an admin reads, changes nothing; `member`: no access. */
export type Role = "admin" | "auditor" | "member";
export const ROLES = ["admin", "auditor", "member"] as const satisfies readonly Role[];

export interface Account {
  id: number;
  username: string;
  defaultOrgId: number | null;
}

const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/**
 * Creates a new account with memberships and returns its API key (shown once; only its hash
 * is stored). Throws when the username is taken: use `ensureAccount` to add memberships.
 */
export async function createAccount(
  db: Kysely<Database>,
  username: string,
  orgSlugs: string[],
  role: Role,
): Promise<{ account: Account; apiKey: string; created: true }> {
  const result = await ensureAccount(db, username, orgSlugs, role);
  if (!result.created) throw new Error(`an account named ${JSON.stringify(username)} already exists`);
  return { account: result.account, apiKey: result.apiKey, created: true };
}

/**
 * Creates the account (returning its new API key), or adds memberships to an existing one and
 * KEEPS its key (SPEC §7): a new key only ever comes from `rotateApiKey`. A named organization
 * is created when missing; an existing membership takes the given role.
 */
export async function ensureAccount(
  db: Kysely<Database>,
  username: string,
  orgSlugs: string[],
  role: Role,
): Promise<{ account: Account; apiKey: string; created: true } | { account: Account; apiKey: null; created: false }> {
  if (!USERNAME_RE.test(username)) throw new Error(`invalid username ${JSON.stringify(username)}: letters, digits and . _ @ - only`);
  const now = Date.now();
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("accounts").select(["id", "default_org_id"]).where("username", "=", username).executeTakeFirst();
    let id: number;
    let apiKey: string | null = null;
    if (existing) {
      id = existing.id;
    } else {
      apiKey = newApiKey();
      const row = await trx
        .insertInto("accounts")
        .values({ username, key_hash: hashSecret(apiKey), created_at: now, default_org_id: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    for (const slug of orgSlugs) {
      const orgId = await ensureOrg(trx, slug);
      await trx
        .insertInto("memberships")
        .values({ account_id: id, org_id: orgId, role, created_at: now })
        .onConflict((oc) => oc.columns(["account_id", "org_id"]).doUpdateSet({ role }))
        .execute();
    }
    const account = { id, username, defaultOrgId: existing?.default_org_id ?? null };
    return apiKey === null ? { account, apiKey: null, created: false as const } : { account, apiKey, created: true as const };
  });
}

/**
 * Gives the account a new API key and ends every session it has: the old key and anything
 * signed in with it stop working at once. Returns the new key (shown once).
 */
export async function rotateApiKey(db: Kysely<Database>, username: string): Promise<{ account: Account; apiKey: string; sessionsRevoked: number }> {
  const apiKey = newApiKey();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("accounts").select(["id", "default_org_id"]).where("username", "=", username).executeTakeFirst();
    if (!row) throw new AccountNotFoundError(username);
    await trx
      .updateTable("accounts")
      .set({ key_hash: hashSecret(apiKey) })
      .where("id", "=", row.id)
      .execute();
    const revoked = await trx.deleteFrom("sessions").where("account_id", "=", row.id).executeTakeFirst();
    return { account: { id: row.id, username, defaultOrgId: row.default_org_id }, apiKey, sessionsRevoked: Number(revoked.numDeletedRows) };
  });
}

export class AccountNotFoundError extends Error {
  constructor(readonly username: string) {
    super(`no account named ${JSON.stringify(username)}`);
  }
}

/** The account named `username`, or throws AccountNotFoundError. */
export async function findAccount(db: Kysely<Database>, username: string): Promise<Account & { instanceAdmin: boolean }> {
  const row = await db
    .selectFrom("accounts")
    .select(["id", "username", "default_org_id", "instance_admin"])
    .where("username", "=", username)
    .executeTakeFirst();
  if (!row) throw new AccountNotFoundError(username);
  return { id: row.id, username: row.username, defaultOrgId: row.default_org_id, instanceAdmin: Number(row.instance_admin) === 1 };
}

/** Flags (or unflags) the account as an instance admin (docs/SECURITY.md "Instance admins"). */
export async function setInstanceAdmin(db: Kysely<Database>, username: string, on: boolean): Promise<void> {
  const result = await db
    .updateTable("accounts")
    .set({ instance_admin: on ? 1 : 0 })
    .where("username", "=", username)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new AccountNotFoundError(username);
}

/**
 * Instance admins see instance-wide jobs (bucket sync, upstream pull, checkpoints, purge...)
 * and the whole access log. In self-managed and dedicated mode: the admins of the instance's
 * `default` organization, and flagged accounts. In multi-tenant mode only flagged accounts:
 * no organization role makes one, so no tenant's admin ever becomes one by a membership.
 */
export async function isInstanceAdmin(db: Kysely<Database>, accountId: number, deployment: "self-managed" | "dedicated" | "multi-tenant"): Promise<boolean> {
  const row = await db.selectFrom("accounts").select("instance_admin").where("id", "=", accountId).executeTakeFirst();
  if (Number(row?.instance_admin ?? 0) === 1) return true;
  if (deployment === "multi-tenant") return false;
  const admin = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select("memberships.role")
    .where("memberships.account_id", "=", accountId)
    .where("organizations.slug", "=", DEFAULT_ORG)
    .where("memberships.role", "=", "admin")
    .executeTakeFirst();
  return admin !== undefined;
}

export async function setDefaultOrg(db: Kysely<Database>, username: string, orgSlug: string): Promise<void> {
  const account = await db.selectFrom("accounts").select("id").where("username", "=", username).executeTakeFirst();
  if (!account) throw new AccountNotFoundError(username);
  const org = await db.selectFrom("organizations").select("id").where("slug", "=", orgSlug).executeTakeFirst();
  if (!org) throw new Error(`no organization named ${JSON.stringify(orgSlug)}`);
  const member = await db.selectFrom("memberships").select("org_id").where("account_id", "=", account.id).where("org_id", "=", org.id).executeTakeFirst();
  if (!member) throw new Error(`${username} is not a member of ${orgSlug}`);
  await db.updateTable("accounts").set({ default_org_id: org.id }).where("id", "=", account.id).execute();
}

/** The account whose API key this is, or null. Runs the hash comparison even for unknown usernames. */
export async function verifyApiKey(db: Kysely<Database>, username: string, key: string): Promise<Account | null> {
  const row = await db.selectFrom("accounts").select(["id", "username", "key_hash", "default_org_id"]).where("username", "=", username).executeTakeFirst();
  const ok = secretMatches(key, row?.key_hash ?? "0".repeat(64));
  if (!row || !ok) return null;
  return { id: row.id, username: row.username, defaultOrgId: row.default_org_id };
}

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("accounts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
