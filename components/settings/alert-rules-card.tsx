"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/states";
import { alertRulesInputSchema, SUGGESTED_ACTIONS, type AlertRules } from "@/lib/alerts/rules";
import { ActionPicker } from "./action-picker";
import { StatusLine, TextField } from "./field";
import { useSaveRules } from "./use-notification-settings";

function Rule({
  id,
  title,
  checked,
  onChange,
  children,
}: {
  id: string;
  title: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  children?: ReactNode;
}) {
  return (
    <fieldset className="rounded-md border border-slate-200 p-4">
      <div className="flex items-start gap-3">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="mt-0.5 h-4 w-4 accent-indigo-700" />
        <label htmlFor={id} className="text-sm font-medium text-slate-900">
          {title}
        </label>
      </div>
      {children && <div className="mt-3 pl-7">{children}</div>}
    </fieldset>
  );
}

const toInt = (value: string) => (value.trim() === "" ? Number.NaN : Number(value));

/** Which events and conditions post to Slack. Saved as a whole. */
export function AlertRulesCard({ rules, connected }: { rules: AlertRules; connected: boolean }) {
  const save = useSaveRules();
  const [draft, setDraft] = useState(rules);
  const [invalid, setInvalid] = useState<string | undefined>();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The server's own check: every watched action from the catalogue.
    const parsed = alertRulesInputSchema.safeParse(draft);
    if (!parsed.success) {
      setInvalid(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return;
    }
    setInvalid(undefined);
    save.mutate(parsed.data);
  }

  return (
    <Card title="Alert rules">
      {!connected && <p className="mb-3 text-sm text-amber-900">Rules take effect once Slack is connected.</p>}
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Alert rules">
        <Rule
          id="rule-actions"
          title="Watched actions"
          checked={draft.actions.enabled}
          onChange={(enabled) => setDraft({ ...draft, actions: { ...draft.actions, enabled } })}
        >
          <ActionPicker
            id="rule-actions-list"
            label="Actions"
            value={draft.actions.actions}
            onChange={(actions) => setDraft({ ...draft, actions: { ...draft.actions, actions } })}
            hint={`One message per event with one of these actions (the audit-log catalogue), e.g. ${SUGGESTED_ACTIONS.join(", ")}.`}
          />
        </Rule>
        <Rule
          id="rule-auth"
          title="Burst of refused requests (401/403)"
          checked={draft.authFailures.enabled}
          onChange={(enabled) => setDraft({ ...draft, authFailures: { ...draft.authFailures, enabled } })}
        >
          <div className="grid max-w-md grid-cols-2 gap-3">
            <TextField
              id="rule-auth-threshold"
              label="Responses"
              type="number"
              min={2}
              value={String(draft.authFailures.threshold)}
              onChange={(e) => setDraft({ ...draft, authFailures: { ...draft.authFailures, threshold: toInt(e.target.value) } })}
            />
            <TextField
              id="rule-auth-window"
              label="Within minutes"
              type="number"
              min={1}
              value={String(draft.authFailures.windowMinutes)}
              onChange={(e) => setDraft({ ...draft, authFailures: { ...draft.authFailures, windowMinutes: toInt(e.target.value) } })}
            />
          </div>
        </Rule>
        <Rule
          id="rule-jobs"
          title="Sync or pull job failures"
          checked={draft.jobFailures.enabled}
          onChange={(enabled) => setDraft({ ...draft, jobFailures: { ...draft.jobFailures, enabled } })}
        >
          <TextField
            id="rule-jobs-after"
            className="max-w-[14rem]"
            label="After failures in a row"
            type="number"
            min={1}
            value={String(draft.jobFailures.afterFailures)}
            onChange={(e) => setDraft({ ...draft, jobFailures: { afterFailures: toInt(e.target.value), enabled: draft.jobFailures.enabled } })}
          />
        </Rule>
        <Rule
          id="rule-digest"
          title="Weekly digest of users who went inactive"
          checked={draft.inactiveDigest.enabled}
          onChange={(enabled) => setDraft({ ...draft, inactiveDigest: { enabled } })}
        >
          <p className="text-xs text-slate-600">Every Monday: the users whose last activity crossed the six-month line during the past week.</p>
        </Rule>
        <p className="text-xs text-slate-600">Events more than 24 hours old when they are ingested (a backfill) do not alert.</p>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save rules"}
          </Button>
          <StatusLine error={invalid ? new Error(invalid) : save.error} success={save.isSuccess ? "Rules saved." : undefined} />
        </div>
      </form>
    </Card>
  );
}
