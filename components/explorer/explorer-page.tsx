"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { addTerm, setCreatedRange } from "@/lib/filter/edit-query";
import { EventsHistogram } from "./events-histogram";
import { EventsTable } from "./events-table";
import { FacetColumn } from "./facet-column";
import { QueryBox } from "./query-box";

/**
 * The audit-log explorer: the filter language in a search field (with suggestions), matches
 * per day (drag a range to filter by it), the values that refine the query, and the events.
 * The query lives in the URL (`?q=`): shareable, and the back button returns to the last one.
 */
export function ExplorerPage({ orgSlug }: { orgSlug: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const q = params.get("q") ?? "";
  const search = useCallback(
    (next: string) => {
      const url = new URLSearchParams(params.toString());
      if (next === "") url.delete("q");
      else url.set("q", next);
      const query = url.toString();
      router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  return (
    <main id="main" className="mx-auto max-w-[1400px] px-4 pb-10 pt-6 sm:px-6 2xl:max-w-[1760px]">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Audit logs</h1>
        <p className="text-sm text-slate-600">{orgSlug}</p>
      </div>
      <div className="space-y-5">
        <QueryBox org={orgSlug} value={q} onSearch={search} />
        <EventsHistogram org={orgSlug} q={q} onRange={(from, to) => search(setCreatedRange(q, from, to))} />
        <div className="grid grid-cols-1 gap-5 lg:grid-cols-[18rem_minmax(0,1fr)]">
          <FacetColumn org={orgSlug} q={q} onAdd={(term) => search(addTerm(q, term))} />
          <EventsTable org={orgSlug} q={q} />
        </div>
      </div>
    </main>
  );
}
