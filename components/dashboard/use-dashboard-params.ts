"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { DEFAULTS, parseDashboardParams, type DashboardParams, type SortState } from "./dashboard-params";

export { DEFAULTS, OPTIONAL_COLUMNS, parseDashboardParams, parseSort, SORTABLE_COLUMNS, TABS } from "./dashboard-params";
export type { DashboardParams, InvalidParam, OptionalColumn, SortColumn, SortState, Tab } from "./dashboard-params";

/** What a control changes; `asOf: undefined` removes it (the server's today). */
export type ParamsPatch = Partial<Omit<DashboardParams, "invalid">>;

/** A parameter's text in the URL; null leaves it out. */
function paramText(key: string, value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (key === "sort") return `${(value as SortState).id}.${(value as SortState).desc ? "desc" : "asc"}`;
  if (Array.isArray(value)) return value.length ? value.join(",") : null;
  return String(value);
}

/**
 * The view lives in the URL (bookmarkable). Updates go through history.replaceState, which Next
 * folds into useSearchParams without a server round trip; defaults are left out of the URL.
 * A key present in the patch with the value undefined is removed (Reset of a bad link).
 */
export function useDashboardParams(): [DashboardParams, (patch: ParamsPatch) => void] {
  const search = useSearchParams();
  const params = useMemo(() => parseDashboardParams(new URLSearchParams(search.toString())), [search]);
  const update = useCallback((patch: ParamsPatch) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(patch)) {
      const text = paramText(key, value);
      const fallback = (DEFAULTS as Record<string, string | number>)[key];
      if (text === null || (fallback !== undefined && text === String(fallback))) next.delete(key);
      else next.set(key, text);
    }
    const qs = next.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${qs ? `?${qs}` : ""}`);
  }, []);
  return [params, update];
}
