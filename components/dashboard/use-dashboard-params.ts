"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { PanelRange, Period } from "@/lib/activity/types";
import { DEFAULTS, parseDashboardParams, type DashboardParams, type SortState, type Tab } from "./dashboard-params";

export { DEFAULTS, parseDashboardParams, parseSort, SORTABLE_COLUMNS, TABS } from "./dashboard-params";
export type { DashboardParams, SortColumn, SortState, Tab } from "./dashboard-params";

export type ParamsPatch = Partial<{ tab: Tab; period: Period; trend: Period; range: PanelRange; sort: SortState | null; q: string }>;

/**
 * The view lives in the URL (bookmarkable). Updates go through history.replaceState, which Next
 * folds into useSearchParams without a server round trip; defaults are left out of the URL.
 */
export function useDashboardParams(): [DashboardParams, (patch: ParamsPatch) => void] {
  const search = useSearchParams();
  const params = useMemo(() => parseDashboardParams(new URLSearchParams(search.toString())), [search]);
  const update = useCallback((patch: ParamsPatch) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(patch)) {
      let text: string | null;
      if (key === "sort") text = value ? `${(value as SortState).id}.${(value as SortState).desc ? "desc" : "asc"}` : null;
      else text = value === undefined || value === null || value === "" ? null : String(value);
      const fallback = (DEFAULTS as Record<string, string | number>)[key];
      if (text === null || (fallback !== undefined && text === String(fallback))) next.delete(key);
      else next.set(key, text);
    }
    const qs = next.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${qs ? `?${qs}` : ""}`);
  }, []);
  return [params, update];
}
