import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { ensureOrg, findOrgBySlug } from "../../db/orgs";
import type { Database } from "../../db/types";
import type { Account, Role } from "../accounts";
import { hashSecret } from "../keys";
import { SsoError } from "./errors";
import { claimStrings, mappedOrgs, rolesForGroups, type RoleGrant } from "./role-map";

/**
 * Who an SSO sign-in is (docs/SSO.md):
 * 1. the account bound to the provider's (issuer, sub), else
 * 2. the account whose email is the ID token's verified email, else one whose username is
 *    that email (an account made with `orgtrail admin create alice@example.com`), else
 * 3. a new account, only when the groups give it a role in some organization.
 * The email must be verified (`email_verified: true`). An account found by email but already
 * bound to another subject is refused (the email was given to someone else at the provider).
 *
 * Roles: for every organization the role map names, the account's role there is re-derived
 * from the groups at every SSO sign-in (the highest mapped role; none removes the membership).
 * Organizations the map does not name keep their memberships (made with the CLI).
 * An account left with no admin or auditor role anywhere is refused a session.
 */
export interface SsoIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
}

/** The identity an ID token's claims describe; `roleClaim` names the groups claim. */
export function identityFromClaims(claims: Record<string, unknown>, roleClaim: string): SsoIdentity {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null;
  // Some providers send the boolean as a string. Microsoft Entra ID never sends email_verified
  // for work accounts; its optional claim xms_edov ("email domain owner verified") stands in
  // for it, only when email_verified is absent (docs/SSO.md).
  const verified =
    claims.email_verified === undefined
      ? claims.xms_edov === true || claims.xms_edov === "true"
      : claims.email_verified === true || claims.email_verified === "true";
  return { issuer: String(claims.iss), subject: String(claims.sub), email: email || null, emailVerified: verified, groups: claimStrings(claims, roleClaim) };
}

const USERNAME_OK = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** A free username for a new account: the email, made to fit the username rule, with -2, -3... when taken. */
async function freeUsername(db: Kysely<Database>, email: string): Promise<string> {
  let base = email
    .replace(/[^A-Za-z0-9._@-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 120);
  if (!USERNAME_OK.test(base)) base = `sso-${randomBytes(4).toString("hex")}`;
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const taken = await db.selectFrom("accounts").select("id").where("username", "=", candidate).executeTakeFirst();
    if (!taken) return candidate;
  }
  throw new Error(`no free username for ${email}`);
}

type AccountRow = {
  id: number;
  username: string;
  default_org_id: number | null;
  email: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
};
const COLUMNS = ["id", "username", "default_org_id", "email", "oidc_issuer", "oidc_subject"] as const;

async function findAccount(db: Kysely<Database>, identity: SsoIdentity & { email: string }): Promise<AccountRow | undefined> {
  const bySubject = await db
    .selectFrom("accounts")
    .select(COLUMNS)
    .where("oidc_issuer", "=", identity.issuer)
    .where("oidc_subject", "=", identity.subject)
    .executeTakeFirst();
  const byEmail =
    (await db.selectFrom("accounts").select(COLUMNS).where("email", "=", identity.email).executeTakeFirst()) ??
    (await db
      .selectFrom("accounts")
      .select(COLUMNS)
      .where("email", "is", null)
      .where(sql<string>`lower(username)`, "=", identity.email)
      .orderBy("id")
      .executeTakeFirst());
  if (bySubject && byEmail && bySubject.id !== byEmail.id) {
    throw new SsoError(
      "identity_conflict",
      `${identity.email} belongs to account ${byEmail.username}, but ${identity.subject} is bound to ${bySubject.username}`,
    );
  }
  if (!bySubject && byEmail?.oidc_subject != null && (byEmail.oidc_subject !== identity.subject || byEmail.oidc_issuer !== identity.issuer)) {
    throw new SsoError("identity_conflict", `${identity.email} belongs to account ${byEmail.username}, bound to another subject than ${identity.subject}`);
  }
  return bySubject ?? byEmail;
}

/** The account an SSO sign-in opens a session for, created or updated; throws SsoError when refused. */
export async function accountForSso(db: Kysely<Database>, identity: SsoIdentity, roleMap: readonly RoleGrant[], now = Date.now()): Promise<Account> {
  if (!identity.email) throw new SsoError("email_unverified", `the ID token of ${identity.subject} has no email claim`);
  if (!identity.emailVerified) throw new SsoError("email_unverified", `${identity.email} is not verified (email_verified is not true)`);
  const withEmail = { ...identity, email: identity.email };
  const roles = rolesForGroups(roleMap, identity.groups);

  const account = await db.transaction().execute(async (trx) => {
    const found = await findAccount(trx, withEmail);
    let id: number;
    let username: string;
    let defaultOrgId: number | null = null;
    if (found) {
      ({ id, username } = found);
      defaultOrgId = found.default_org_id;
      // The email moves with the subject only when no other account holds it.
      const emailFree =
        found.email === withEmail.email || !(await trx.selectFrom("accounts").select("id").where("email", "=", withEmail.email).executeTakeFirst());
      await trx
        .updateTable("accounts")
        .set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject, ...(emailFree ? { email: withEmail.email } : {}) })
        .where("id", "=", id)
        .execute();
    } else {
      if (![...roles.values()].some((r) => r !== "member")) {
        throw new SsoError("no_role", `${withEmail.email} has no mapped group (groups: ${JSON.stringify(identity.groups)})`);
      }
      username = await freeUsername(trx, withEmail.email);
      // No API key until an admin issues one (`orgtrail admin create USERNAME`): the stored hash is of a secret nobody has.
      const row = await trx
        .insertInto("accounts")
        .values({
          username,
          key_hash: hashSecret(randomBytes(32).toString("base64url")),
          created_at: now,
          default_org_id: null,
          email: withEmail.email,
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    await applyRoles(trx, id, roleMap, roles, now);
    return { id, username, defaultOrgId };
  });

  // Checked after the roles were saved: a demotion at the provider holds even though the sign-in is refused.
  const usable = await db
    .selectFrom("memberships")
    .select("org_id")
    .where("account_id", "=", account.id)
    .where("role", "in", ["admin", "auditor"])
    .executeTakeFirst();
  if (!usable)
    throw new SsoError(
      "no_role",
      `${withEmail.email} (account ${account.username}) has no admin or auditor role left (groups: ${JSON.stringify(identity.groups)})`,
    );
  return account;
}

async function applyRoles(db: Kysely<Database>, accountId: number, roleMap: readonly RoleGrant[], roles: Map<string, Role>, now: number): Promise<void> {
  for (const slug of mappedOrgs(roleMap)) {
    const role = roles.get(slug);
    if (role) {
      const orgId = await ensureOrg(db, slug);
      await db
        .insertInto("memberships")
        .values({ account_id: accountId, org_id: orgId, role, created_at: now })
        .onConflict((oc) => oc.columns(["account_id", "org_id"]).doUpdateSet({ role }))
        .execute();
    } else {
      const org = await findOrgBySlug(db, slug);
      if (org) await db.deleteFrom("memberships").where("account_id", "=", accountId).where("org_id", "=", org.id).execute();
    }
  }
}
