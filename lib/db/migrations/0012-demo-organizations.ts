// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/**
 * Demo organizations (lib/demo/organization.ts): `demo` = 1 marks an organization created
 * as the demo, set at creation and never changed afterwards (the database refuses), so a
 * real organization can never be turned into one and removed (0013, docs/SECURITY.md).
 */
export function m0012DemoOrganizations(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("organizations")
        .addColumn("demo", "integer", (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`demo IN (0, 1)`),
        )
        .execute();
      if (dialect === "sqlite") {
        await sql`CREATE TRIGGER organizations_demo_fixed BEFORE UPDATE OF demo ON organizations WHEN NEW.demo IS NOT OLD.demo
          BEGIN SELECT RAISE(ABORT, 'organizations.demo is set when an organization is created, never changed'); END`.execute(db);
        return;
      }
      await sql`CREATE FUNCTION orgtrail_org_demo_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'organizations.demo is set when an organization is created, never changed'; END $$`.execute(db);
      await sql`CREATE TRIGGER organizations_demo_fixed BEFORE UPDATE OF demo ON organizations FOR EACH ROW
        WHEN (NEW.demo IS DISTINCT FROM OLD.demo) EXECUTE FUNCTION orgtrail_org_demo_fixed()`.execute(db);
    },
  };
}
