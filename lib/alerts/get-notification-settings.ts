import type { Store } from "../db/client";
import { listJobStates } from "../jobs/state";
import type { JobViewer } from "../jobs/visibility";
import { outboxCounts } from "./outbox";
import { getAlertSettings, openClientSecret } from "./settings";
import type { NotificationSettings } from "./settings-view";
import { redactSecrets } from "./slack-message";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** The settings page's view of one organization: never a secret, only whether one is set. */
/** `viewer`: whose jobs to show (instance-wide ones to instance admins only: lib/jobs/visibility.ts). */
export async function getNotificationSettings(
  store: Store,
  orgId: number,
  redirectUri: string,
  viewer: Omit<JobViewer, "orgId">,
): Promise<NotificationSettings> {
  const s = await getAlertSettings(store.db, orgId);
  const outbox = await outboxCounts(store.db, orgId);
  const jobs = await listJobStates(store.db, { orgId, ...viewer });
  return {
    slack: {
      clientId: s.clientId,
      clientSecretSet: s.clientSecretSealed !== null,
      clientSecretReadable: s.clientSecretSealed !== null && openClientSecret(s) !== null,
      connected: s.webhookSealed !== null,
      channel: s.channel,
      team: s.team,
      connectedAt: iso(s.connectedAt),
      redirectUri,
    },
    rules: s.rules,
    outbox: { ...outbox, lastDeliveredAt: iso(outbox.lastDeliveredAt), lastError: outbox.lastError },
    jobs: jobs.map((j) => ({
      name: j.name,
      lastRunAt: iso(j.last_run_at),
      lastSuccessAt: iso(j.last_success_at),
      lastError: j.last_error === null ? null : redactSecrets(j.last_error),
      lastErrorAt: iso(j.last_error_at),
      consecutiveFailures: Number(j.consecutive_failures),
      totalFailures: Number(j.total_failures),
    })),
  };
}
