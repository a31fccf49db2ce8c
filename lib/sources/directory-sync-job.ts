// The server's directory sync: the SCIM API of ORGTRAIL_UPSTREAM_URL, with the upstream pull's
// credentials, every ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS (docs/DIRECTORY_SYNC.md).
import { alertJobFailure } from "../alerts/job-failure";
import { ensureOrg } from "../db/orgs";
import { env } from "../env";
import { saveCheckpoint } from "../jobs/state";
import { registerJobFactory } from "../jobs/start";
import { ScimSyncError, syncDirectory } from "./directory-sync";
import { DEFAULT_RETRY } from "./upstream-http";
import { escapeControl } from "../text/escape-control";

export const DIRECTORY_SYNC_JOB = "directory-sync";
export const SCIM_PAGE_SIZE = 100;

registerJobFactory(async () => {
  const e = env();
  if (!e.ORGTRAIL_UPSTREAM_URL || e.ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS === 0) return null;
  const apiKey = e.ORGTRAIL_UPSTREAM_API_KEY;
  if (!apiKey) {
    console.error("orgtrail: ORGTRAIL_UPSTREAM_URL is set but ORGTRAIL_UPSTREAM_API_KEY is not: the directory sync is off");
    return null;
  }
  const url = e.ORGTRAIL_UPSTREAM_URL;
  // No username: a service account, which sends `:API-KEY`.
  const username = e.ORGTRAIL_UPSTREAM_USERNAME ?? "";
  const orgSlug = e.ORGTRAIL_UPSTREAM_ORG;
  // `<job>:<org>`: the Data page shows it on that organization only (lib/sources/data-status.ts).
  const name = `${DIRECTORY_SYNC_JOB}:${orgSlug}`;
  let noted = false;
  return {
    name,
    intervalMs: e.ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS * 1000,
    async run({ store, signal }) {
      const orgId = await ensureOrg(store.db, orgSlug);
      let summary;
      try {
        summary = await syncDirectory(store, {
          url,
          username,
          apiKey,
          orgId,
          pageSize: SCIM_PAGE_SIZE,
          retry: DEFAULT_RETRY,
          signal,
          onRetry: (at, n) => console.error(`orgtrail: directory sync ${at}: ${escapeControl(n.reason)}; retrying in ${(n.delayMs / 1000).toFixed(1)} s`),
        });
      } catch (error) {
        // An upstream without a SCIM API (another orgtrail, an audit-log proxy) is a fact, not a
        // failure: noted once per server, recorded for the Data page, no failure streak or alert.
        if (!(error instanceof ScimSyncError && error.status === 404)) throw error;
        if (!noted) console.error(`orgtrail: directory sync skipped: ${escapeControl(error.message)}`);
        noted = true;
        await saveCheckpoint(store.db, name, JSON.stringify({ v: 1, org: orgSlug, at: Date.now(), skipped: error.message }));
        return;
      }
      for (const r of summary.rejected.slice(0, 20)) console.error(`orgtrail: directory sync: ${escapeControl(r.error)}`);
      // What the last sync found, for the Data page beside the job's last run and error.
      await saveCheckpoint(
        store.db,
        name,
        JSON.stringify({
          v: 1,
          org: orgSlug,
          at: Date.now(),
          users: summary.users,
          groups: summary.groups,
          created: summary.created,
          updated: summary.updated,
          inactive: summary.inactive,
          rejected: summary.rejected.length,
        }),
      );
    },
    onFailure: async (error, failures, ctx) => {
      await alertJobFailure(ctx.store, name, error, failures);
    },
  };
});
