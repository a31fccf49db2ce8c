import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { ensureOrg } from "../db/orgs";
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
 * Creates the account, or adds memberships to an existing one, and returns a new API key
 * (an existing account gets a fresh key; the old one stops working).
 */
export async function createAccount(
  db: Kysely<Database>,
  username: string,
  orgSlugs: string[],
  role: Role,
): Promise<{ account: Account; apiKey: string; created: boolean }> {
  if (!USERNAME_RE.test(username)) throw new Error(`invalid username ${JSON.stringify(username)}: letters, digits and . _ @ - only`);
  const apiKey = newApiKey();
  const now = Date.now();
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("accounts").select(["id", "default_org_id"]).where("username", "=", username).executeTakeFirst();
    let id: number;
    if (existing) {
      id = existing.id;
      await trx.updateTable("accounts").set({ key_hash: hashSecret(apiKey) }).where("id", "=", id).execute();
    } else {
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
    return { account: { id, username, defaultOrgId: existing?.default_org_id ?? null }, apiKey, created: !existing };
  });
}

export async function setDefaultOrg(db: Kysely<Database>, username: string, orgSlug: string): Promise<void> {
  const account = await db.selectFrom("accounts").select("id").where("username", "=", username).executeTakeFirst();
  if (!account) throw new Error(`no account named ${JSON.stringify(username)}`);
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
  const row = await db.selectFrom("accounts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
