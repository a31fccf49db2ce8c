// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

const SQLITE = [`DROP INDEX events_org_dedupe`, `CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, ts, dedupe_key)`];

/**
 * 0005_sqlite_dedupe_by_time (SQLite only): the dedupe index leads with the event's time,
 * (org_id, ts, dedupe_key), as PostgreSQL's partitions already do by month. A dedupe key fixes
 * its event's time, so the index is as unique as before; a batch's keys now land near each
 * other instead of on random leaves of the whole index (docs/PERFORMANCE.md, ingest).
 */
export function m0005SqliteDedupeByTime(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "sqlite") return;
      for (const statement of SQLITE) await sql.raw(statement).execute(db);
    },
  };
}
