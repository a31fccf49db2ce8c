import type { Store } from "../db/client";
import { DEFAULT_ORG } from "../db/orgs";
import { env } from "../env";
import { enqueueAlerts } from "./outbox";
import { parseStoredRules } from "./rules";
import { jobFailureMessage, redactSecrets } from "./slack-message";

/** The delivery job itself: a failure to reach Slack cannot be reported through Slack. */
export const SLACK_DELIVERY_JOB = "slack-alerts";

/**
 * The hook for a job's `onFailure` (bucket sync, upstream pull...): queues a message, once per
 * failure streak (when the streak reaches the rule's count), for the organizations allowed to
 * hear of it whose job-failure rule is on. Never throws.
 *
 * Who hears (docs/SECURITY.md "Instance admins"): a job of one organization (`orgId`, or a
 * name `<job>:<org>`) alerts that organization only. An instance-wide job alerts the instance's admins: in self-managed
 * and dedicated mode the `default` organization's Slack (its admins are the instance
 * admins); in multi-tenant mode no organization's Slack (every organization there is a
 * tenant; instance admins watch the Settings page and /metrics).
 *
 *   onFailure: (error, failures, ctx) => alertJobFailure(ctx.store, "bucket-export", error, failures)
 */
export async function alertJobFailure(
  store: Store,
  jobName: string,
  error: unknown,
  consecutiveFailures: number,
  now = Date.now(),
  orgId?: number,
): Promise<number> {
  if (jobName === SLACK_DELIVERY_JOB) return 0;
  try {
    // A job named `<job>:<org>` works for that organization (lib/jobs/visibility.ts).
    const named = /^[^:]+:([^:]+)/.exec(jobName)?.[1];
    if (orgId === undefined && named !== undefined) {
      const org = await store.db.selectFrom("organizations").select("id").where("slug", "=", named).executeTakeFirst();
      if (!org) return 0;
      orgId = org.id;
    }
    if (orgId === undefined && env().ORGTRAIL_DEPLOYMENT === "multi-tenant") return 0;
    let query = store.db
      .selectFrom("alert_settings")
      .innerJoin("organizations", "organizations.id", "alert_settings.org_id")
      .select(["alert_settings.org_id", "alert_settings.rules", "organizations.slug"])
      .where("alert_settings.slack_webhook_enc", "is not", null);
    query = orgId === undefined ? query.where("organizations.slug", "=", DEFAULT_ORG) : query.where("alert_settings.org_id", "=", orgId);
    const rows = await query.execute();
    const message = redactSecrets(error instanceof Error ? error.message : String(error)).slice(0, 500);
    let queued = 0;
    for (const row of rows) {
      const rule = parseStoredRules(row.rules).jobFailures;
      if (!rule.enabled || consecutiveFailures !== rule.afterFailures) continue;
      queued += await enqueueAlerts(
        store.db,
        row.org_id,
        [
          {
            rule: "job_failure",
            dedupeKey: `job:${jobName}:${now}`,
            subjectAt: now,
            message: jobFailureMessage(row.slug, jobName, message, consecutiveFailures),
          },
        ],
        now,
      );
    }
    return queued;
  } catch (e) {
    console.error("orgtrail: job failure alert could not be queued:", e instanceof Error ? e.message : e);
    return 0;
  }
}
