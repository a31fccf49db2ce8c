"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/states";
import { NEW_QUERY_RULE, queryRulesInputSchema, type QueryRule } from "@/lib/alerts/query-rules";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { parseFilter } from "@/lib/filter/parse-filter";
import { queryKeys } from "@/lib/query-keys";
import { StatusLine, TextField } from "./field";

/** Saves the whole list of query rules of the organization on screen (the other rules are left as they are). */
function useSaveQueryRules() {
  const client = useQueryClient();
  const org = useOrgSlug();
  return useMutation({
    mutationFn: (queries: QueryRule[]) =>
      fetchJson(withQuery("/api/v1/settings/notifications/query-rules", { org }), {
        method: "PUT",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ queries }),
      }),
    // Pending until the settings are read again, so the list shows the saved rules without a flicker.
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.notificationSettings(org) }),
  });
}

const toInt = (value: string) => (value.trim() === "" ? Number.NaN : Number(value));

function newId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function describeMode(rule: QueryRule): string {
  return rule.mode === "each" ? "every matching event" : `${rule.threshold} or more within ${rule.windowMinutes} min`;
}

/** Slack rules written in the explorer's filter language: a name and a query, per event or as a count. */
export function QueryRulesCard({ rules: saved, connected }: { rules: QueryRule[]; connected: boolean }) {
  const save = useSaveQueryRules();
  // While a change is being saved, the list shows it (a checkbox moves when clicked).
  const rules = save.isPending && save.variables ? save.variables : saved;
  const [draft, setDraft] = useState(NEW_QUERY_RULE);
  const [invalid, setInvalid] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const parsed = draft.query.trim() === "" ? null : parseFilter(draft.query);
  const queryError = parsed && !parsed.ok ? parsed.error.message : undefined;

  function commit(next: QueryRule[], message: string) {
    const checked = queryRulesInputSchema.safeParse({ queries: next });
    if (!checked.success) {
      setInvalid(checked.error.issues.map((i) => i.message).join("; "));
      return false;
    }
    setInvalid(undefined);
    setDone(undefined);
    save.mutate(checked.data.queries, { onSuccess: () => setDone(message) });
    return true;
  }

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (commit([...rules, { ...draft, id: newId() }], `Rule "${draft.name.trim()}" added.`)) setDraft(NEW_QUERY_RULE);
  }

  return (
    <Card title="Query rules">
      {!connected && <p className="mb-3 text-sm text-amber-900">Rules take effect once Slack is connected.</p>}
      <p className="mb-3 text-sm text-slate-700">
        A name and a query in the explorer&apos;s filter language, e.g.{" "}
        <code className="rounded bg-slate-100 px-1">action:user:create_api_key -actor:ci-bot@acme.test</code> or{" "}
        <code className="rounded bg-slate-100 px-1">status:&gt;=400 ip:10.1.0.0/16</code>.
      </p>
      {rules.length === 0 ? (
        <p className="mb-4 text-sm text-slate-600">No query rule yet.</p>
      ) : (
        <ul className="mb-4 divide-y divide-slate-200 rounded-md border border-slate-200" aria-label="Query rules">
          {rules.map((rule) => (
            <li key={rule.id} className="flex flex-wrap items-center gap-3 p-3">
              <input
                id={`query-rule-${rule.id}`}
                type="checkbox"
                checked={rule.enabled}
                onChange={(e) =>
                  commit(
                    rules.map((r) => (r.id === rule.id ? { ...r, enabled: e.target.checked } : r)),
                    `Rule "${rule.name}" ${e.target.checked ? "enabled" : "paused"}.`,
                  )
                }
                className="h-4 w-4 accent-indigo-700"
                aria-label={`Enable rule ${rule.name}`}
              />
              <div className="min-w-0 flex-1">
                <label htmlFor={`query-rule-${rule.id}`} className="block text-sm font-medium text-slate-900">
                  {rule.name}
                </label>
                <p className="truncate text-xs text-slate-600">
                  <code className="rounded bg-slate-100 px-1">{rule.query}</code> · {describeMode(rule)}
                </p>
              </div>
              <Button
                type="button"
                variant="secondary"
                onClick={() =>
                  commit(
                    rules.filter((r) => r.id !== rule.id),
                    `Rule "${rule.name}" deleted.`,
                  )
                }
                aria-label={`Delete rule ${rule.name}`}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onAdd} className="space-y-3" aria-label="Add a query rule">
        <div className="grid gap-3 sm:grid-cols-[1fr_2fr]">
          <TextField
            id="query-rule-name"
            label="Name"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            maxLength={80}
            required
          />
          <div className="space-y-1">
            <TextField
              id="query-rule-query"
              label="Query"
              value={draft.query}
              onChange={(e) => setDraft({ ...draft, query: e.target.value })}
              spellCheck={false}
              required
              aria-invalid={queryError ? true : undefined}
              hint={queryError ?? "Same language as the audit-log explorer (docs/EXPLORER.md)."}
            />
          </div>
        </div>
        <fieldset className="flex flex-wrap items-end gap-4">
          <legend className="mb-1 text-sm font-medium text-slate-800">Post to Slack</legend>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="query-rule-mode"
              checked={draft.mode === "each"}
              onChange={() => setDraft({ ...draft, mode: "each" })}
              className="accent-indigo-700"
            />
            for each matching event
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="query-rule-mode"
              checked={draft.mode === "count"}
              onChange={() => setDraft({ ...draft, mode: "count" })}
              className="accent-indigo-700"
            />
            when the matches reach a count
          </label>
          {draft.mode === "count" && (
            <div className="grid max-w-md grid-cols-2 gap-3">
              <TextField
                id="query-rule-threshold"
                label="Matches"
                type="number"
                min={2}
                value={String(draft.threshold)}
                onChange={(e) => setDraft({ ...draft, threshold: toInt(e.target.value) })}
              />
              <TextField
                id="query-rule-window"
                label="Within minutes"
                type="number"
                min={1}
                value={String(draft.windowMinutes)}
                onChange={(e) => setDraft({ ...draft, windowMinutes: toInt(e.target.value) })}
              />
            </div>
          )}
        </fieldset>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={save.isPending || queryError !== undefined}>
            {save.isPending ? "Saving…" : "Add rule"}
          </Button>
          <StatusLine error={invalid ? new Error(invalid) : save.error} success={done} />
        </div>
      </form>
    </Card>
  );
}
