import "server-only";
import { sql } from "kysely";
import type { Store } from "../db/client";
import type { Env } from "../env";
import { assignJobs, NO_RUNS, sourceView, type JobRow, type RunTotals } from "../sources/data-status";
import type { DataSourcesView, SourceId } from "../sources/data-views";
import { jobVisible } from "../jobs/visibility";

const DAY_MS = 86_400_000;
const RUN_SOURCES = ["browser", "api", "cli", "pull"] as const;

interface TotalsRow {
  last_run: number | null;
  last_data: number | null;
  runs30: number | null;
  accepted30: number | null;
  rejected30: number | null;
  failures30: number | null;
}

function totalsOf(row: TotalsRow | undefined, latest: { at: number; error: string | null } | null): RunTotals {
  if (!row) return { ...NO_RUNS, latest };
  const n = (v: number | null) => Number(v ?? 0);
  return {
    lastRunAt: row.last_run === null ? null : Number(row.last_run),
    lastDataAt: row.last_data === null ? null : Number(row.last_data),
    runs30d: n(row.runs30),
    accepted30d: n(row.accepted30),
    rejected30d: n(row.rejected30),
    failures30d: n(row.failures30),
    latest,
  };
}

/** Uploads and pulls per source (ingest_runs): last run, last run with new data, 30-day sums. */
async function runTotals(store: Store, orgId: number, since: number): Promise<Map<string, RunTotals>> {
  const rows = await store.db
    .selectFrom("ingest_runs")
    .select([
      "source",
      sql<number | null>`max(finished_at)`.as("last_run"),
      sql<number | null>`max(case when accepted > 0 then finished_at end)`.as("last_data"),
      sql<number | null>`sum(case when finished_at >= ${since} then 1 else 0 end)`.as("runs30"),
      sql<number | null>`sum(case when finished_at >= ${since} then accepted else 0 end)`.as("accepted30"),
      sql<number | null>`sum(case when finished_at >= ${since} then rejected else 0 end)`.as("rejected30"),
      sql<number | null>`sum(case when finished_at >= ${since} and status = 'failed' then 1 else 0 end)`.as("failures30"),
    ])
    .where("org_id", "=", orgId)
    .groupBy("source")
    .execute();
  const latest = await Promise.all(
    RUN_SOURCES.map((source) =>
      store.db
        .selectFrom("ingest_runs")
        .select(["finished_at", "error"])
        .where("org_id", "=", orgId)
        .where("source", "=", source)
        .orderBy("finished_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst(),
    ),
  );
  const out = new Map<string, RunTotals>();
  RUN_SOURCES.forEach((source, i) => {
    const l = latest[i];
    out.set(
      source,
      totalsOf(
        rows.find((r) => r.source === source),
        l ? { at: Number(l.finished_at), error: l.error } : null,
      ),
    );
  });
  return out;
}

/** The bucket source's objects read into this organization (bucket_source_objects). */
async function bucketTotals(store: Store, orgId: number, since: number): Promise<RunTotals> {
  const row = await store.db
    .selectFrom("bucket_source_objects")
    .select([
      sql<number | null>`max(read_at)`.as("last_run"),
      sql<number | null>`max(case when accepted > 0 then read_at end)`.as("last_data"),
      sql<number | null>`sum(case when read_at >= ${since} then 1 else 0 end)`.as("runs30"),
      sql<number | null>`sum(case when read_at >= ${since} then accepted else 0 end)`.as("accepted30"),
      sql<number | null>`sum(case when read_at >= ${since} then rejected else 0 end)`.as("rejected30"),
      sql<number | null>`0`.as("failures30"),
    ])
    .where("org_id", "=", orgId)
    .executeTakeFirst();
  return totalsOf(row?.last_run === null && !row?.runs30 ? undefined : row, null);
}

const minutes = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`);

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function pullSetup(e: Env, orgSlug: string, instanceAdmin: boolean): { configured: boolean; text: string } {
  // The upstream, and which organization it fills, are the instance's business (docs/SECURITY.md).
  if (e.ORGTRAIL_UPSTREAM_URL && e.ORGTRAIL_UPSTREAM_ORG !== orgSlug && !instanceAdmin)
    return { configured: false, text: "The server does not pull into this organization." };
  if (!e.ORGTRAIL_UPSTREAM_URL)
    return { configured: false, text: "Not set up: set ORGTRAIL_UPSTREAM_URL, _USERNAME and _API_KEY (docs/UPSTREAM_PULL.md), or run npx orgtrail pull." };
  const where = originOf(e.ORGTRAIL_UPSTREAM_URL);
  if (!e.ORGTRAIL_UPSTREAM_USERNAME || !e.ORGTRAIL_UPSTREAM_API_KEY)
    return {
      configured: false,
      text: `ORGTRAIL_UPSTREAM_URL (${where}) is set but ORGTRAIL_UPSTREAM_USERNAME or ORGTRAIL_UPSTREAM_API_KEY is not: the server does not pull.`,
    };
  if (e.ORGTRAIL_UPSTREAM_ORG !== orgSlug)
    return { configured: false, text: `The server pulls ${where} into the organization ${e.ORGTRAIL_UPSTREAM_ORG}, not this one.` };
  return { configured: true, text: `The server pulls ${where} every ${minutes(e.ORGTRAIL_UPSTREAM_INTERVAL_SECONDS)}.` };
}

function bucketSetup(e: Env, instanceAdmin: boolean): { configured: boolean; text: string } {
  if (!e.ORGTRAIL_BUCKET_SOURCE_URL)
    return { configured: false, text: "Not set up: set ORGTRAIL_BUCKET_SOURCE_URL (docs/BUCKET_SYNC.md), or run npx orgtrail import-bucket." };
  // The bucket's URL is the instance's; an organization's admins see that one is read.
  const where = instanceAdmin ? e.ORGTRAIL_BUCKET_SOURCE_URL : "the instance's bucket source";
  return { configured: true, text: `The server reads ${where} every ${minutes(e.ORGTRAIL_BUCKET_SOURCE_INTERVAL_SECONDS)}.` };
}

/**
 * Every source of the organization's data, with its last run, last new data, lag, errors and
 * rejected lines. Job state as the viewer may see it: instance-wide jobs to instance admins only.
 */
export async function getDataSources(store: Store, orgId: number, orgSlug: string, e: Env, now = Date.now(), instanceAdmin = false): Promise<DataSourcesView> {
  const since = now - 30 * DAY_MS;
  const [runs, bucket, jobRows] = await Promise.all([
    runTotals(store, orgId, since),
    bucketTotals(store, orgId, since),
    store.db.selectFrom("job_state").selectAll().orderBy("name").execute(),
  ]);
  const visible = jobRows.filter((r) => jobVisible(r, { orgId, orgSlug, instanceAdmin }));
  const { bySource, other } = assignJobs(visible as unknown as JobRow[], orgSlug);
  const jobs = (id: SourceId) => bySource[id] ?? [];
  const directoryJobs = jobs("directory");
  const sources = [
    sourceView(
      "browser",
      "Uploads from this page",
      { configured: true, text: "Audit logs and users files uploaded by an admin on this page." },
      runs.get("browser")!,
      [],
      now,
    ),
    sourceView(
      "api",
      "Uploads through the API",
      { configured: true, text: "POST /api/v1/ingest and /api/v1/users/import with an admin's API key." },
      runs.get("api")!,
      [],
      now,
    ),
    sourceView(
      "cli",
      "Command line",
      { configured: true, text: "npx orgtrail ingest and import-users, on the server (npx orgtrail pull is listed under Upstream pull)." },
      runs.get("cli")!,
      [],
      now,
    ),
    sourceView("pull", "Upstream pull", pullSetup(e, orgSlug, instanceAdmin), runs.get("pull")!, jobs("pull"), now),
    sourceView("bucket", "Bucket source", bucketSetup(e, instanceAdmin), bucket, jobs("bucket"), now),
    sourceView(
      "directory",
      "Directory sync",
      directoryJobs.length > 0
        ? { configured: true, text: "The directory (names, usernames, roles, teams) synced from the platform's SCIM API." }
        : {
            configured: false,
            text: "No directory sync has run: the directory comes from users files (CSV or SCIM JSON) uploaded here or with npx orgtrail import-users.",
          },
      NO_RUNS,
      directoryJobs,
      now,
    ),
  ];
  return { sources, otherJobs: other, checkedAt: new Date(now).toISOString() };
}
