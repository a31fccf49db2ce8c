"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/states";
import { formatTimestamp } from "@/components/format";
import type { NotificationSettings } from "@/lib/alerts/settings-view";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { withQuery } from "@/lib/fetch-json";
import { StatusLine, TextField } from "./field";
import { useDisconnectSlack, useSaveSlackApp, useSendTestMessage } from "./use-notification-settings";

/** The seed's "Register your Slack application": client ID and secret, then "Add to Slack". */
export function SlackAppCard({ slack }: { slack: NotificationSettings["slack"] }) {
  const save = useSaveSlackApp();
  const disconnect = useDisconnectSlack();
  const test = useSendTestMessage();
  const installHref = withQuery("/api/v1/slack/install", { org: useOrgSlug() });
  const [clientId, setClientId] = useState(slack.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ clientId, clientSecret: clientSecret || undefined }, { onSuccess: () => setClientSecret("") });
  }

  const canInstall = slack.clientId !== null && slack.clientSecretSet && slack.clientSecretReadable;
  return (
    <Card title="Slack application">
      <ol className="mb-4 list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>
          At <span className="font-medium">api.slack.com/apps</span>, create an app in the workspace that should receive alerts.
        </li>
        <li>
          Under <span className="font-medium">OAuth &amp; Permissions</span>, add the <code className="rounded bg-slate-100 px-1">incoming-webhook</code> scope
          and this Redirect URL:{" "}
          <code className="break-all rounded bg-slate-100 px-1" data-testid="slack-redirect-uri">
            {slack.redirectUri}
          </code>
        </li>
        <li>
          Copy the client ID and secret from <span className="font-medium">Basic Information</span> below, save, then choose a channel with{" "}
          <span className="font-medium">Add to Slack</span>.
        </li>
      </ol>
      <form onSubmit={onSubmit} className="grid gap-4 md:grid-cols-2" aria-label="Slack application credentials">
        <TextField
          id="slack-client-id"
          label="Client ID"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          required
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="slack-client-secret"
          label="Client secret"
          type="password"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.target.value)}
          autoComplete="new-password"
          spellCheck={false}
          required={!slack.clientSecretSet}
          placeholder={slack.clientSecretSet ? "•••••••• (stored; leave empty to keep)" : ""}
          hint={
            slack.clientSecretSet && !slack.clientSecretReadable
              ? "The stored secret cannot be read with this server's key: enter it again."
              : "Stored encrypted; never shown again."
          }
        />
        <div className="flex items-center gap-3 md:col-span-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
          <StatusLine error={save.error} success={save.isSuccess ? "Slack application saved." : undefined} />
        </div>
      </form>
      <div className="mt-5 border-t border-slate-200 pt-4">
        <h3 className="text-sm font-semibold text-slate-900">Channel</h3>
        {slack.connected ? (
          <p className="mt-1 text-sm text-slate-700" data-testid="slack-connection">
            Connected
            {slack.channel ? (
              <>
                {" "}
                to <span className="font-medium">{slack.channel}</span>
              </>
            ) : null}
            {slack.team ? <> in {slack.team}</> : null}
            {slack.connectedAt ? <> since {formatTimestamp(slack.connectedAt)}</> : null}.
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-700" data-testid="slack-connection">
            Not connected: alerts are not sent.
          </p>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          {canInstall ? (
            <a
              href={installHref}
              className="inline-flex items-center rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              {slack.connected ? "Choose another channel" : "Add to Slack"}
            </a>
          ) : (
            <span className="text-sm text-slate-600">Save the client ID and secret to add orgtrail to Slack.</span>
          )}
          {slack.connected && (
            <>
              <Button onClick={() => test.mutate()} disabled={test.isPending}>
                Send test message
              </Button>
              <Button variant="ghost" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
                Disconnect
              </Button>
            </>
          )}
          <StatusLine error={test.error ?? disconnect.error} success={test.isSuccess ? "Test message queued." : undefined} />
        </div>
      </div>
    </Card>
  );
}
