// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * A job's progress as JSON, for the Data page (lib/sources/pull-progress.ts, docs/UPSTREAM_PULL.md).
 */
export function m0010JobProgress(_dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("job_state").addColumn("progress", "text").execute();
    },
  };
}
