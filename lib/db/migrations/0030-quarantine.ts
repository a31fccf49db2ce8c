// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

const SQLITE = [
  `CREATE TABLE quarantine (
          id integer PRIMARY KEY AUTOINCREMENT,
          org_id integer NOT NULL REFERENCES organizations (id),
          received_at integer NOT NULL,
          source text NOT NULL,
          origin text NOT NULL,
          line integer NOT NULL,
          reason text NOT NULL,
          raw blob NOT NULL,
          bytes integer NOT NULL
        )`,
  `CREATE INDEX quarantine_org_id ON quarantine (org_id, id)`,
  `CREATE TABLE quarantine_days (
          org_id integer NOT NULL REFERENCES organizations (id),
          source text NOT NULL,
          day integer NOT NULL,
          kept integer NOT NULL,
          dropped integer NOT NULL,
          CONSTRAINT quarantine_days_pk PRIMARY KEY (org_id, source, day)
        )`,
];

const POSTGRES = [
  `CREATE TABLE quarantine (
          id serial PRIMARY KEY,
          org_id integer NOT NULL REFERENCES organizations (id),
          received_at bigint NOT NULL,
          source text NOT NULL,
          origin text NOT NULL,
          line bigint NOT NULL,
          reason text NOT NULL,
          raw bytea NOT NULL,
          bytes bigint NOT NULL
        )`,
  `CREATE INDEX quarantine_org_id ON quarantine (org_id, id)`,
  `CREATE TABLE quarantine_days (
          org_id integer NOT NULL REFERENCES organizations (id),
          source text NOT NULL,
          day integer NOT NULL,
          kept integer NOT NULL,
          dropped integer NOT NULL,
          CONSTRAINT quarantine_days_pk PRIMARY KEY (org_id, source, day)
        )`,
];

/**
 * 0030_quarantine: lines that could not be stored, kept as received (lib/ingest/quarantine-plan.ts,
 * docs/INGEST.md), and per organization, source and UTC day the lines kept and those only
 * counted past the bounds.
 */
export function m0030Quarantine(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === "sqlite" ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
