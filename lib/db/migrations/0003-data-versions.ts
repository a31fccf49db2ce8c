// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

/** SQLite: the table and one row trigger per table and operation (writers are serialized by SQLite). */
const SQLITE = [
  `create table "data_versions" ("org_id" integer primary key, "version" integer not null)`,
  `CREATE TRIGGER "users_insert_version" AFTER INSERT ON "users" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "users_update_version" AFTER UPDATE ON "users" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "users_delete_version" AFTER DELETE ON "users" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (OLD.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_activity_insert_version" AFTER INSERT ON "user_activity" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_activity_update_version" AFTER UPDATE ON "user_activity" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_activity_delete_version" AFTER DELETE ON "user_activity" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (OLD.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_lifecycle_insert_version" AFTER INSERT ON "user_lifecycle" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_lifecycle_update_version" AFTER UPDATE ON "user_lifecycle" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_lifecycle_delete_version" AFTER DELETE ON "user_lifecycle" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (OLD.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_day_insert_version" AFTER INSERT ON "user_day" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_day_update_version" AFTER UPDATE ON "user_day" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (NEW.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
  `CREATE TRIGGER "user_day_delete_version" AFTER DELETE ON "user_day" BEGIN
          INSERT INTO data_versions (org_id, version) VALUES (OLD.org_id, 1)
            ON CONFLICT (org_id) DO UPDATE SET version = version + 1;
        END`,
];

/** PostgreSQL: deferred constraint triggers, run at commit and at most once per organization and transaction. */
const POSTGRES = [
  `create table "data_versions" ("org_id" integer primary key, "version" bigint not null)`,
  `CREATE FUNCTION orgtrail_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE org integer;
    BEGIN
      IF TG_OP = 'DELETE' THEN org := OLD.org_id; ELSE org := NEW.org_id; END IF;
      IF current_setting('orgtrail.data_version_' || org, true) IS DISTINCT FROM '1' THEN
        INSERT INTO data_versions (org_id, version) VALUES (org, 1)
          ON CONFLICT (org_id) DO UPDATE SET version = data_versions.version + 1;
        PERFORM set_config('orgtrail.data_version_' || org, '1', true);
      END IF;
      RETURN NULL;
    END $$`,
  `CREATE CONSTRAINT TRIGGER "users_data_version" AFTER INSERT OR UPDATE OR DELETE ON "users"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgtrail_bump_data_version()`,
  `CREATE CONSTRAINT TRIGGER "user_activity_data_version" AFTER INSERT OR UPDATE OR DELETE ON "user_activity"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgtrail_bump_data_version()`,
  `CREATE CONSTRAINT TRIGGER "user_lifecycle_data_version" AFTER INSERT OR UPDATE OR DELETE ON "user_lifecycle"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgtrail_bump_data_version()`,
  `CREATE CONSTRAINT TRIGGER "user_day_data_version" AFTER INSERT OR UPDATE OR DELETE ON "user_day"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgtrail_bump_data_version()`,
];

/**
 * 0003_data_versions: a per-organization change counter of the users list's tables, kept by
 * triggers in the database itself so that every writer bumps it (lib/db/data-version.ts).
 */
export function m0003DataVersions(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === "sqlite" ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
