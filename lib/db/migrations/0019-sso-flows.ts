// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * SSO sign-ins in progress: state (hashed), nonce and PKCE verifier, bound to the browser's
 * flow cookie (hashed); a row is deleted when its state is used, so a state works once.
 */
export function m0019SsoFlows(dialect: "sqlite" | "postgres"): Migration {
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sso_flows")
        .addColumn("state_hash", "text", (c) => c.primaryKey())
        .addColumn("browser_hash", "text", (c) => c.notNull())
        .addColumn("nonce", "text", (c) => c.notNull())
        .addColumn("code_verifier", "text", (c) => c.notNull())
        .addColumn("next", "text", (c) => c.notNull())
        .addColumn("expires_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sso_flows_expires").on("sso_flows").column("expires_at").execute();
    },
  };
}
