// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/** Filled from user_day: each user's first and last active day of each group of 32 days (`day / 32`). */
const BACKFILL = `INSERT INTO user_block (org_id, block, user_id, first_day, last_day)
  SELECT org_id, day / 32, user_id, MIN(day), MAX(day) FROM user_day GROUP BY org_id, day / 32, user_id`;

const TABLE = `CREATE TABLE user_block (
          org_id integer NOT NULL,
          block integer NOT NULL,
          user_id integer NOT NULL,
          first_day integer NOT NULL,
          last_day integer NOT NULL,
          CONSTRAINT user_block_pk PRIMARY KEY (org_id, block, user_id)
        )`;

// SQLite: WITHOUT ROWID, so the primary key's b-tree holds the first and last days and a count
// over a range of groups reads no second b-tree (3 months a year back at 5M events: 2.2 ms
// against 4.9 ms for a rowid table).
const SQLITE = [`${TABLE} WITHOUT ROWID`, BACKFILL];

const POSTGRES = [TABLE, BACKFILL, `ANALYZE user_block`];

/**
 * 0033_user_blocks: each user's first and last active day in each group of 32 days, kept by the
 * ingest beside user_day (lib/ingest/rollup-plan.ts). The users active in a window a while back
 * are counted from the window's few groups (~4 rows per user for 3 months) instead of one
 * descent into user_day per user active both before and after it (docs/PERFORMANCE.md,
 * "PostgreSQL's activity 3m a year back").
 */
export function m0033UserBlocks(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === "sqlite" ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
