// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * Single sign-on (lib/auth/sso, docs/SSO.md): an account's verified email (lower-cased) and
 * the identity provider's subject it is bound to after its first SSO sign-in.
 */
export function m0018AccountSsoIdentity(_dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("accounts").addColumn("email", "text").execute();
      await db.schema.alterTable("accounts").addColumn("oidc_issuer", "text").execute();
      await db.schema.alterTable("accounts").addColumn("oidc_subject", "text").execute();
      await db.schema.createIndex("accounts_email").on("accounts").column("email").unique().execute();
      await db.schema.createIndex("accounts_oidc_identity").on("accounts").columns(["oidc_issuer", "oidc_subject"]).unique().execute();
    },
  };
}
