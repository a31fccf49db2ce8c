/**
 * The migrations, in order: every DDL statement of the schema lives in `lib/db/migrations/`,
 * one frozen file per migration that imports nothing of lib/ (a test checks it,
 * tests/unit/db/lib-imports.test.ts), so a fresh install and an upgraded one get the same
 * schema whatever the live code becomes. The schema they build is checked against
 * lib/db/types.ts by tests/integration/schema-types.test.ts. The CLI, the server and the
 * tests run them at start (lib/db/client.ts).
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Dialect } from "../dialect";
import { m0001Initial } from "./0001-initial";
import { m0002BucketSourceObjects } from "./0002-bucket-source-objects";
import { m0003DataVersions } from "./0003-data-versions";
import { m0004PgEventsByMonth } from "./0004-pg-events-by-month";
import { m0005SqliteDedupeByTime } from "./0005-sqlite-dedupe-by-time";
import { m0006Quarantine } from "./0006-quarantine";

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_initial": m0001Initial(dialect),
    "0002_bucket_source_objects": m0002BucketSourceObjects(dialect),
    "0003_data_versions": m0003DataVersions(dialect),
    "0004_pg_events_by_month": m0004PgEventsByMonth(dialect),
    "0005_sqlite_dedupe_by_time": m0005SqliteDedupeByTime(dialect),
    "0006_quarantine": m0006Quarantine(dialect),
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const all = migrations(dialect);
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({ db, provider, migrationTableName: "orgtrail_migrations", migrationLockTableName: "orgtrail_migrations_lock" });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
}
