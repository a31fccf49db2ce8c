// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * "Verify now" on the Data page (lib/trust/integrity-checks.ts): each finished verification
 * of an organization's chain, kept so the page can say what was verified, when and by whom.
 */
export function m0029IntegrityChecks(dialect: "sqlite" | "postgres"): Migration {
  const pk = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("integrity_checks")
        .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("org_id", "integer", (c) => c.notNull())
        .addColumn("account_id", "integer")
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("started_at", big, (c) => c.notNull())
        .addColumn("finished_at", big, (c) => c.notNull())
        .addColumn("ok", "integer", (c) => c.notNull())
        .addColumn("events", big, (c) => c.notNull())
        .addColumn("from_seq", big, (c) => c.notNull())
        .addColumn("last_seq", big, (c) => c.notNull())
        .addColumn("checkpoints", "integer", (c) => c.notNull())
        .addColumn("unsigned_tail", big, (c) => c.notNull())
        .addColumn("first_bad_seq", big)
        .addColumn("reason", "text")
        .execute();
      await db.schema.createIndex("integrity_checks_org_finished").on("integrity_checks").columns(["org_id", "finished_at"]).execute();
    },
  };
}
