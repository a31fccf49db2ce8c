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
import { m0010JobProgress } from "./0010-job-progress";
import { m0012DemoOrganizations } from "./0012-demo-organizations";
import { m0013DemoRemoval } from "./0013-demo-removal";
import { m0015Access } from "./0015-access";
import { m0018AccountSsoIdentity } from "./0018-account-sso-identity";
import { m0019SsoFlows } from "./0019-sso-flows";
import { m0028IngestRuns } from "./0028-ingest-runs";
import { m0029IntegrityChecks } from "./0029-integrity-checks";
import { m0030Quarantine } from "./0030-quarantine";
import { m0031PgEventsDedupeByTime } from "./0031-pg-events-dedupe-by-time";
import { m0032BulkWriters } from "./0032-bulk-writers";
import { m0033UserBlocks } from "./0033-user-blocks";

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_initial": m0001Initial(dialect),
    "0002_bucket_source_objects": m0002BucketSourceObjects(dialect),
    "0003_data_versions": m0003DataVersions(dialect),
    "0004_pg_events_by_month": m0004PgEventsByMonth(dialect),
    "0005_sqlite_dedupe_by_time": m0005SqliteDedupeByTime(dialect),
    "0010_job_progress": m0010JobProgress(dialect),
    "0012_demo_organizations": m0012DemoOrganizations(dialect),
    "0013_demo_removal": m0013DemoRemoval(dialect),
    "0015_access": m0015Access(dialect),
    "0018_account_sso_identity": m0018AccountSsoIdentity(dialect),
    "0019_sso_flows": m0019SsoFlows(dialect),
    "0028_ingest_runs": m0028IngestRuns(dialect),
    "0029_integrity_checks": m0029IntegrityChecks(dialect),
    // Numbered after main's last: Kysely refuses a store whose executed migrations are not a
    // prefix of this list in name order, so 0006 would stop every store migrated to 0029.
    "0030_quarantine": m0030Quarantine(dialect),
    "0031_pg_events_dedupe_by_time": m0031PgEventsDedupeByTime(dialect),
    "0032_bulk_writers": m0032BulkWriters(dialect),
    "0033_user_blocks": m0033UserBlocks(dialect),
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
