// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

const SQLITE = [
  `CREATE TABLE bulk_writers (
          org_id integer NOT NULL REFERENCES organizations (id),
          holder text NOT NULL,
          started_at integer NOT NULL,
          beat_at integer NOT NULL,
          CONSTRAINT bulk_writers_pk PRIMARY KEY (org_id, holder)
        )`,
];

const POSTGRES = [
  `CREATE TABLE bulk_writers (
          org_id integer NOT NULL REFERENCES organizations (id),
          holder text NOT NULL,
          started_at bigint NOT NULL,
          beat_at bigint NOT NULL,
          CONSTRAINT bulk_writers_pk PRIMARY KEY (org_id, holder)
        )`,
];

/**
 * 0032_bulk_writers: the bulk loads under way (`orgtrail ingest`), one row per organization and
 * process, its heartbeat renewed while it writes (lib/ingest/bulk-writers.ts); the users answer
 * is rebuilt at most every few seconds while one is live (lib/queries/users-answer.ts).
 */
export function m0032BulkWriters(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === "sqlite" ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
