// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

const POSTGRES = [
  // The foreign key of events.org_id checked organizations once per stored event (a lookup
  // per row under COPY); every writer of events holds the organization's row lock
  // (lib/db/org-lock.ts), and organizations are only deleted by the demo removal, after
  // their events.
  `DO $$ DECLARE c record; BEGIN
     FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'f' LOOP
       EXECUTE format('ALTER TABLE events DROP CONSTRAINT %I', c.conname);
     END LOOP;
   END $$`,
  `DROP INDEX events_org_dedupe`,
  `CREATE UNIQUE INDEX events_org_dedupe ON events (org_id, ts, dedupe_key)`,
];

/**
 * 0031_pg_events_dedupe_by_time (PostgreSQL only): what 0005 did for SQLite. The dedupe
 * index leads with the event's time, (org_id, ts, dedupe_key), so a batch's keys land on the
 * recent leaves of its month's partition instead of random ones (the key is a hash); and the
 * foreign key of events.org_id is dropped (a check per row). docs/PERFORMANCE.md, "The write
 * path, phase 2".
 */
export function m0031PgEventsDedupeByTime(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      for (const statement of POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
