"use client";

import { useCallback } from "react";
import { parseFilter } from "@/lib/filter/parse-filter";
import { EventsResults } from "./events-results";
import { ExplorerSearch } from "./explorer-search";
import { FacetColumn } from "./facet-column";
import { HistogramCard } from "./histogram-card";
import { addTerm, withCreatedRange, withoutQualifier } from "./query-text";
import { queryError, useEventsQuery } from "./use-explorer-queries";
import { useExplorerQueryParam } from "./use-explorer-url";

/**
 * The audit-event explorer (`/org/audit-logs`): the filter language in a search field, matches
 * per day, the most frequent values of each field, and the matching events with their export.
 * The query is the URL's `q`; every control that changes it adds a history entry. Read-only:
 * admins and auditors see the same page.
 */
export function ExplorerPage({ orgSlug, role, today }: { orgSlug: string; role: "admin" | "auditor"; today: string }) {
  const [q, setQ] = useExplorerQueryParam();
  const events = useEventsQuery(orgSlug, q);
  const badQuery = queryError(events.error);
  // The parser runs here too (the same code as the server's): a query it refuses asks for no
  // facets or chart; the events request still goes, and its 400 is what the page shows.
  const runnable = parseFilter(q).ok && badQuery === null;
  const onTerm = useCallback((term: string) => setQ(addTerm(q, term)), [q, setQ]);

  return (
    <main id="main" className="mx-auto max-w-[1400px] px-4 pb-10 pt-6 sm:px-6 2xl:max-w-[1760px]">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-slate-600">
          {orgSlug}
          {role !== "admin" && <> · read-only ({role})</>}
        </p>
      </div>
      <ExplorerSearch org={orgSlug} q={q} today={today} error={badQuery} onSubmit={setQ} />
      {runnable ? (
        <div className="mt-5 grid grid-cols-1 gap-5 lg:grid-cols-[15rem_minmax(0,1fr)]">
          <div className="order-2 lg:order-1">
            <FacetColumn org={orgSlug} q={q} onTerm={onTerm} />
          </div>
          <div className="order-1 min-w-0 space-y-5 lg:order-2">
            <HistogramCard
              org={orgSlug}
              q={q}
              onRange={(from, to) => setQ(withCreatedRange(q, from, to))}
              onClearDates={() => setQ(withoutQualifier(q, "created", false))}
            />
            <EventsResults org={orgSlug} q={q} events={events} />
          </div>
        </div>
      ) : (
        !badQuery && (
          <p role="status" className="mt-5 text-sm text-slate-600">
            Checking the query…
          </p>
        )
      )}
    </main>
  );
}
