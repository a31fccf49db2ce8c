"use client";

import { useId, useState } from "react";
import type { FacetField } from "@/lib/explorer/answers";
import { FACET_FIELDS } from "./facet-fields";
import { parseFilter } from "@/lib/filter/parse-filter";
import type { ApiError } from "@/lib/fetch-json";
import { formatNumber } from "@/components/format";
import {
  errorTerm,
  fixedValues,
  qualifierSuggestions,
  suggestionBase,
  suggestionContext,
  valueSuggestions,
  type Suggestion,
  type ValueOption,
} from "./query-text";
import { SearchCombobox } from "./search-combobox";
import { useFacetsQuery } from "./use-explorer-queries";

const isFacetField = (q: string): q is FacetField => (FACET_FIELDS as readonly string[]).includes(q);

/** The query with the term a 400 names marked, when the message names one. */
function QueryErrorNote({ id, q, error }: { id: string; q: string; error: ApiError }) {
  const at = errorTerm(error.message);
  const start = at ? at.position - 1 : -1;
  const marked = at && q.slice(start, start + at.term.length) === at.term;
  return (
    <div id={id} role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p>
        <span className="font-semibold">This query cannot run:</span> {error.message.replace(/^invalid q: /, "")}
      </p>
      {marked && (
        <p className="mt-1 font-mono text-xs break-all">
          {q.slice(0, start)}
          <mark className="rounded-sm bg-red-200 px-0.5 text-red-950">{at.term}</mark>
          {q.slice(start + at.term.length)}
        </p>
      )}
    </div>
  );
}

/**
 * Binds the search field to the facets: the qualifier under the caret gets its most frequent
 * values among the events the rest of the query matches. `q` is the query that ran (from the
 * URL); the field edits a draft of it and runs it on Enter.
 */
export function ExplorerSearch({
  org,
  q,
  today,
  error,
  onSubmit,
}: {
  org: string;
  q: string;
  today: string;
  error: ApiError | null;
  onSubmit: (q: string) => void;
}) {
  const errorId = useId();
  const [draft, setDraft] = useState(q);
  const [caret, setCaret] = useState(q.length);
  const [open, setOpen] = useState(false);
  // A query set elsewhere (a facet, the chart, the back button) replaces the draft.
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setDraft(q);
    setCaret(q.length);
    setOpen(false);
  }

  const context = open ? suggestionContext(draft, caret) : null;
  const valueContext = context?.kind === "value" ? context : null;
  const field = valueContext && isFacetField(valueContext.qualifier) ? valueContext.qualifier : null;
  const base = valueContext ? suggestionBase(draft, valueContext) : "";
  const facets = useFacetsQuery(org, parseFilter(base).ok ? base : "", field ?? "action", field !== null);

  let suggestions: Suggestion[] = [];
  if (context?.kind === "qualifier") suggestions = qualifierSuggestions(draft, context);
  else if (context) {
    const options: ValueOption[] = fixedValues(context.qualifier, today);
    if (field && facets.data)
      for (const v of facets.data.values) options.push({ value: v.value, detail: `${formatNumber(v.count)} ${v.count === 1 ? "event" : "events"}` });
    suggestions = valueSuggestions(draft, context, options);
  }

  let note: string | null = null;
  if (valueContext && field && facets.isPending) note = "Loading values…";
  else if (valueContext && suggestions.length === 0)
    note =
      valueContext.qualifier === "created" || valueContext.qualifier === "ip"
        ? `Type a value: ${valueContext.qualifier === "ip" ? "10.1.2.3 or 10.1.0.0/16" : "2026-11-01, >=2026-11-01 or 2026-11-01..2026-11-30"}`
        : "No matching values";

  return (
    <div>
      <SearchCombobox
        value={draft}
        open={open}
        suggestions={suggestions}
        suggestionsNote={note}
        invalid={error !== null && draft === q}
        describedBy={error ? errorId : undefined}
        onEdit={(text, at) => {
          setDraft(text);
          setCaret(at);
        }}
        onCaret={setCaret}
        onOpenChange={setOpen}
        onSubmit={(text) => onSubmit(text)}
      />
      {error && <QueryErrorNote id={errorId} q={q} error={error} />}
    </div>
  );
}
