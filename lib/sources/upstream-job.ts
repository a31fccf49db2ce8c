// The server's upstream poller: pulls ORGTRAIL_UPSTREAM_URL every ORGTRAIL_UPSTREAM_INTERVAL_SECONDS.
import { alertJobFailure } from "../alerts/job-failure";
import { getStore } from "../db/client";
import { ensureOrg } from "../db/orgs";
import { env } from "../env";
import { registerJobFactory } from "../jobs/start";
import { formatDate, parseDate as parseDay } from "../audit/timestamp";
import { today } from "../today";
import { formatProgress } from "./pull-progress";
import { pullUpstream } from "./pull-upstream";
import { recordPullRun } from "./pull-run-record";
import { DEFAULT_RETRY } from "./upstream-http";
import { escapeControl } from "../text/escape-control";

export const UPSTREAM_JOB = "upstream-pull";
const PAGE_SIZE = 10_000;
/** A backfill logs its progress this often (job_state.progress has it all the time). */
const LOG_PROGRESS_MS = 60_000;

registerJobFactory(async () => {
  const e = env();
  if (!e.ORGTRAIL_UPSTREAM_URL) return null;
  const username = e.ORGTRAIL_UPSTREAM_USERNAME;
  const apiKey = e.ORGTRAIL_UPSTREAM_API_KEY;
  if (!username || !apiKey) {
    // Other jobs still start; the missing setting is said once, loudly.
    console.error("orgtrail: ORGTRAIL_UPSTREAM_URL is set but ORGTRAIL_UPSTREAM_USERNAME or ORGTRAIL_UPSTREAM_API_KEY is not: the upstream pull is off");
    return null;
  }
  const url = e.ORGTRAIL_UPSTREAM_URL;
  const orgSlug = e.ORGTRAIL_UPSTREAM_ORG;
  const initialSince = e.ORGTRAIL_UPSTREAM_SINCE ? (parseDay(e.ORGTRAIL_UPSTREAM_SINCE) ?? undefined) : undefined;
  // The pull fills one organization: its state and failure alerts are that organization's (docs/SECURITY.md).
  const targetOrgId = await ensureOrg((await getStore()).db, orgSlug);
  return {
    name: UPSTREAM_JOB,
    orgId: targetOrgId,
    intervalMs: e.ORGTRAIL_UPSTREAM_INTERVAL_SECONDS * 1000,
    async run({ store, signal }) {
      const orgId = await ensureOrg(store.db, orgSlug);
      const startedAt = Date.now();
      let logged = startedAt;
      const { summary, error } = await pullUpstream(store, {
        url,
        username,
        apiKey,
        orgId,
        orgSlug,
        deployment: e.ORGTRAIL_DEPLOYMENT,
        today: today(),
        initialSince,
        pageSize: PAGE_SIZE,
        retry: DEFAULT_RETRY,
        signal,
        onHistoryStart: (start) =>
          console.error(
            start.day === null
              ? "orgtrail: upstream pull: the upstream holds no events yet"
              : `orgtrail: upstream pull: the upstream's history starts on ${formatDate(start.day)} (${start.how}); fetching it all`,
          ),
        onProgress: (p, window) => {
          // Only a long run (a backfill) is worth a log line; short polls stay quiet.
          if (p.daysTotal <= 8 || p.phase === "probing" || p.phase === "stopped") return;
          if (p.phase !== "done" && Date.now() - logged < LOG_PROGRESS_MS) return;
          logged = Date.now();
          console.error(`orgtrail: upstream pull ${window}: ${formatProgress(p)}`);
        },
        onRetry: (window, n) => console.error(`orgtrail: upstream pull ${window}: ${escapeControl(n.reason)}; retrying in ${(n.delayMs / 1000).toFixed(1)} s`),
        onReject: (window, r) => console.error(`orgtrail: upstream pull ${window}: line ${r.line}: ${escapeControl(r.error)}`),
      });
      if (summary.accepted > 0 || summary.rejected > 0) {
        console.error(
          `orgtrail: upstream pull: fetched ${summary.fetched}, accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`,
        );
      }
      await recordPullRun(store.db, { orgId, url, actor: "server", startedAt, summary, error });
      if (error) throw error;
    },
    // A Slack alert when the organization's job-failure rule is on (lib/alerts); never throws.
    onFailure: async (error, failures, ctx) => {
      await alertJobFailure(ctx.store, UPSTREAM_JOB, error, failures, Date.now(), targetOrgId);
    },
  };
});
