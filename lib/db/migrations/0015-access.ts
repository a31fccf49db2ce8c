// Frozen (docs/SCALING.md, "Schema"): the migration as main released it, moved here unchanged
// from lib/db/migrations.ts. Never edit one: a change to the schema is a new migration. Imports
// nothing of lib/ (tests/unit/lib-imports.test.ts).
import { type Kysely, type Migration } from "kysely";

/**
 * Who gets in (issue 13, docs/SECURITY.md): sessions remember when they were last seen and
 * from where (idle timeout, `admin sessions`); the access log aggregates (`bucket` is the
 * aggregation key, unique; NULL for single entries) and says what happened; an account can
 * be flagged instance admin; a job's state may belong to one organization (NULL: instance-wide).
 */
export function m0015Access(dialect: "sqlite" | "postgres"): Migration {
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>) {
      // SQLite adds one column per ALTER TABLE.
      const add = async (table: string, column: string, type: "text" | "integer" | "bigint", notNullDefault?: string | number) => {
        await db.schema
          .alterTable(table)
          .addColumn(column, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
          .execute();
      };
      await add("sessions", "last_seen_at", big);
      await add("sessions", "address", "text");
      await add("sessions", "user_agent", "text");
      await add("sessions", "method", "text");
      await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute();
      await add("accounts", "instance_admin", "integer", 0);
      await add("access_log", "event", "text", "request");
      await add("access_log", "username", "text");
      await add("access_log", "client", "text");
      await add("access_log", "user_agent", "text");
      await add("access_log", "detail", "text");
      await add("access_log", "count", "integer", 1);
      await add("access_log", "last_at", big);
      await add("access_log", "bucket", "text");
      await db.schema.createIndex("access_log_bucket").unique().on("access_log").column("bucket").execute();
      await db.schema.createIndex("access_log_at").on("access_log").column("at").execute();
      await add("job_state", "org_id", "integer");
    },
  };
}
