"use client";

import { formatNumber } from "@/components/format";
import { ErrorState, LoadingBlock } from "@/components/ui/states";
import { formatTerm } from "@/lib/filter/parse-filter";
import { FACET_FIELDS, useFacetsQuery, type FacetField } from "./use-explorer-queries";

const TITLES: Record<FacetField, string> = {
  action: "Action",
  actor: "Actor",
  user: "Target user",
  status: "Status",
  entity: "Team",
  project: "Project",
  ip: "IP",
};

const SHOWN = 8;

function Facet({ org, q, field, onAdd }: { org: string; q: string; field: FacetField; onAdd: (term: string) => void }) {
  const query = useFacetsQuery(org, q, field);
  const values = query.data?.values.slice(0, SHOWN) ?? [];
  const max = values[0]?.count ?? 1;
  return (
    <section aria-label={`Top ${TITLES[field]} values`} className="border-b border-slate-100 pb-3 last:border-b-0">
      <h3 className="mb-1.5 text-sm font-semibold text-slate-900">{TITLES[field]}</h3>
      {query.isPending ? (
        <LoadingBlock label={`Loading ${TITLES[field]} values`} className="h-16" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} what={`${TITLES[field]} values`} className="p-3" />
      ) : values.length === 0 ? (
        <p className="text-xs text-slate-600">No values.</p>
      ) : (
        <ul className="space-y-1">
          {values.map((v) => {
            const term = formatTerm(field, v.value);
            return (
              <li key={v.value} className="group flex items-center gap-1 text-sm">
                <button type="button" onClick={() => onAdd(term)} className="relative min-w-0 flex-1 rounded px-1.5 py-0.5 text-left hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600" title={`Filter by ${term}`}>
                  <span aria-hidden="true" className="absolute inset-y-0 left-0 rounded bg-indigo-100/60" style={{ width: `${Math.max(2, (v.count / max) * 100)}%` }} />
                  <span className="relative flex items-baseline justify-between gap-2">
                    <span className="truncate font-mono text-[13px] text-slate-800">
                      <span className="sr-only">Filter by {field}: </span>
                      {v.value}
                    </span>
                    <span className="shrink-0 text-xs tabular-nums text-slate-600">
                      {formatNumber(v.count)}
                      <span className="sr-only"> events</span>
                    </span>
                  </span>
                </button>
                <button type="button" onClick={() => onAdd(`-${term}`)} className="rounded px-1.5 text-slate-600 hover:bg-red-50 hover:text-red-800 focus-visible:outline-2 focus-visible:outline-indigo-600" aria-label={`Exclude ${term}`} title={`Exclude ${term}`}>
                  −
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The most frequent values of each field among the matches: a click adds the value, − excludes it. */
export function FacetColumn({ org, q, onAdd }: { org: string; q: string; onAdd: (term: string) => void }) {
  return (
    <aside aria-label="Refine by value" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="text-base font-semibold text-slate-900">Refine</h2>
      {FACET_FIELDS.map((field) => (
        <Facet key={field} org={org} q={q} field={field} onAdd={onAdd} />
      ))}
    </aside>
  );
}
