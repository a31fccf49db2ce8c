// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * The Data page's record of uploads (lib/ingest/ingest-runs.ts): one row per ingest or users
 * import through the HTTP API (browser or script), the CLI, and per upstream pull that brought
 * something. Written once, when the run ends. Frozen: never edit, add a migration instead.
 */
export function m0028IngestRuns(dialect: "sqlite" | "postgres"): Migration {
  const pk = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("ingest_runs")
        .addColumn("id", pk, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("org_id", "integer", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("label", "text")
        .addColumn("account_id", "integer")
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("started_at", big, (c) => c.notNull())
        .addColumn("finished_at", big, (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("accepted", big, (c) => c.notNull())
        .addColumn("duplicates", big, (c) => c.notNull())
        .addColumn("skipped", big, (c) => c.notNull())
        .addColumn("rejected", big, (c) => c.notNull())
        .addColumn("rejected_sample", "text")
        .addColumn("error", "text")
        .addColumn("detail", "text")
        .execute();
      await db.schema.createIndex("ingest_runs_org_finished").on("ingest_runs").columns(["org_id", "finished_at"]).execute();
      await db.schema.createIndex("ingest_runs_org_source_finished").on("ingest_runs").columns(["org_id", "source", "finished_at"]).execute();
    },
  };
}
