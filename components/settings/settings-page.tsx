"use client";

import { ErrorState, LoadingBlock } from "@/components/ui/states";
import { AccessLogCard } from "./access-log-card";
import { AlertRulesCard } from "./alert-rules-card";
import { JobStatusCard } from "./job-status-card";
import { QueryRulesCard } from "./query-rules-card";
import { SlackAppCard } from "./slack-app-card";
import { useNotificationSettingsQuery } from "./use-notification-settings";

const OUTCOMES: Record<string, { ok: boolean; text: string }> = {
  connected: { ok: true, text: "Slack is connected: alerts will be posted to the chosen channel." },
  denied: { ok: false, text: "Slack was not connected: the authorization was cancelled." },
};

function outcomeText(outcome: string): { ok: boolean; text: string } {
  if (OUTCOMES[outcome]) return OUTCOMES[outcome];
  const reason = outcome.startsWith("error:") ? outcome.slice("error:".length).replace(/[^a-z0-9_]/g, "") : "";
  return {
    ok: false,
    text: `Slack could not be connected${reason ? ` (${reason.replace(/_/g, " ")})` : ""}. Check the client ID, secret and Redirect URL, then try again.`,
  };
}

/** Settings: Notifications (Slack app, rules) and the read-only job status. */
export function SettingsPage({ orgSlug, slackOutcome }: { orgSlug: string; slackOutcome?: string }) {
  const query = useNotificationSettingsQuery();
  const outcome = slackOutcome ? outcomeText(slackOutcome) : null;
  return (
    <main className="mx-auto max-w-[1100px] px-6 pb-10 pt-6">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-sm text-slate-600">{orgSlug}</p>
      </div>
      {outcome && (
        <p
          role={outcome.ok ? "status" : "alert"}
          className={`mb-4 rounded-md px-4 py-2 text-sm ${outcome.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`}
        >
          {outcome.text}
        </p>
      )}
      <h2 className="mb-3 text-lg font-semibold text-slate-900">Notifications</h2>
      {query.isPending ? (
        <LoadingBlock label="Loading notification settings" className="h-64" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} what="notification settings" />
      ) : (
        <div className="space-y-5">
          <SlackAppCard slack={query.data.slack} />
          <AlertRulesCard rules={query.data.rules} connected={query.data.slack.connected} />
          <QueryRulesCard rules={query.data.rules.queries ?? []} connected={query.data.slack.connected} />
          <JobStatusCard jobs={query.data.jobs} outbox={query.data.outbox} />
        </div>
      )}
      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900">Security</h2>
      <AccessLogCard />
    </main>
  );
}
