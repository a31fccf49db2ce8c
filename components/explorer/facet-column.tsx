"use client";

import { useId, useState } from "react";
import type { FacetField } from "@/lib/explorer/answers";
import { FACET_FIELDS } from "./facet-fields";
import { formatNumber } from "@/components/format";
import { Skeleton } from "@/components/ui/states";
import { facetTerm } from "./query-text";
import { indexingMessage, useFacetsQuery } from "./use-explorer-queries";

export const FACET_LABELS: Record<FacetField, string> = {
  action: "Action",
  actor: "Actor",
  user: "Target user",
  status: "Status",
  entity: "Entity",
  project: "Project",
  ip: "IP address",
};

/** Values shown before "Show all". */
const FIRST_VALUES = 6;

/** One field's most frequent values; each adds its term to the query, or excludes it. Renders props. */
export function FacetValues({ field, values, onTerm }: { field: FacetField; values: { value: string; count: number }[]; onTerm: (term: string) => void }) {
  const [all, setAll] = useState(false);
  const max = Math.max(1, ...values.map((v) => v.count));
  const shown = all ? values : values.slice(0, FIRST_VALUES);
  if (values.length === 0) return <p className="text-xs text-slate-600">No values among the matches</p>;
  return (
    <>
      <ul className="space-y-0.5">
        {shown.map((v) => {
          const term = facetTerm(field, v.value);
          const events = `${formatNumber(v.count)} ${v.count === 1 ? "event" : "events"}`;
          return (
            <li key={v.value} className="group flex items-stretch gap-1">
              {/* Named "Add entity:vision 3 events": the visible value and count are part of the name. */}
              <button
                type="button"
                onClick={() => onTerm(term)}
                title={`${v.value}: ${events}`}
                className="relative flex min-h-7 min-w-0 flex-1 items-center justify-between gap-2 overflow-hidden rounded px-1.5 text-left text-xs text-slate-800 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span aria-hidden="true" className="absolute inset-y-1 left-0 rounded-r bg-indigo-100" style={{ width: `${(v.count / max) * 100}%` }} />
                <span className="relative truncate font-mono">
                  <span className="sr-only">Add {field}:</span>
                  {v.value}
                </span>{" "}
                <span className="relative shrink-0 tabular-nums text-slate-600">
                  {formatNumber(v.count)}
                  <span className="sr-only"> {v.count === 1 ? "event" : "events"}</span>
                </span>
              </button>
              <button
                type="button"
                onClick={() => onTerm(`-${term}`)}
                aria-label={`Exclude ${term}`}
                title={`Exclude ${v.value}`}
                className="min-h-7 w-7 shrink-0 rounded text-sm text-slate-600 hover:bg-red-50 hover:text-red-800 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span aria-hidden="true">−</span>
              </button>
            </li>
          );
        })}
      </ul>
      {values.length > FIRST_VALUES && (
        <button
          type="button"
          onClick={() => setAll(!all)}
          className="mt-1 rounded px-1.5 text-xs font-medium text-indigo-800 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {all ? "Show fewer" : `Show all ${values.length}`}
        </button>
      )}
    </>
  );
}

function FacetSection({ org, q, field, onTerm }: { org: string; q: string; field: FacetField; onTerm: (term: string) => void }) {
  const id = useId();
  const facets = useFacetsQuery(org, q, field);
  let body;
  if (facets.isPending) {
    body = (
      <div role="status" className="space-y-1">
        <span className="sr-only">{indexingMessage(facets.failureReason) ?? `Loading ${FACET_LABELS[field].toLowerCase()} values…`}</span>
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-4/5" />
        <Skeleton className="h-5 w-3/5" />
      </div>
    );
  } else if (facets.isError) {
    body = (
      <p className="text-xs text-red-800">
        Could not load the values: {facets.error.message}{" "}
        <button type="button" onClick={() => void facets.refetch()} className="font-medium underline">
          Retry
        </button>
      </p>
    );
  } else {
    // Keyed by the query: "Show all" starts over for a new one.
    body = <FacetValues key={q} field={field} values={facets.data.values} onTerm={onTerm} />;
  }
  return (
    <section aria-labelledby={id} className="border-b border-slate-100 pb-3 last:border-0">
      <h3 id={id} className="mb-1.5 text-xs font-semibold tracking-wide text-slate-700 uppercase">
        {FACET_LABELS[field]}
      </h3>
      {body}
    </section>
  );
}

/** The facet column: for each field, the most frequent values among the current matches. */
export function FacetColumn({ org, q, onTerm }: { org: string; q: string; onTerm: (term: string) => void }) {
  return (
    <aside aria-label="Refine by value" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div>
        <h2 className="text-base font-semibold text-slate-900">Refine</h2>
        <p className="text-xs text-slate-600">A value adds its term; − excludes it.</p>
      </div>
      {FACET_FIELDS.map((field) => (
        <FacetSection key={field} org={org} q={q} field={field} onTerm={onTerm} />
      ))}
    </aside>
  );
}
