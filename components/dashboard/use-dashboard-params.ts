"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { PANEL_RANGES, PERIODS } from "@/lib/activity/periods";
import type { PanelRange, Period } from "@/lib/activity/types";

export const TABS = ["users", "activity"] as const;
export type Tab = (typeof TABS)[number];

export const SORTABLE_COLUMNS = ["name", "username", "email", "role", "teams", "lastActive", "activeDays"] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];
export interface SortState {
  id: SortColumn;
  desc: boolean;
}

export interface DashboardParams {
  tab: Tab;
  /** Period of the "Total active users" card. */
  period: Period;
  /** Period of the "Users active over time" chart. */
  trend: Period;
  range: PanelRange;
  sort: SortState | null;
  q: string;
  asOf: string | undefined;
}

export const DEFAULTS = { tab: "users", period: "3m", trend: "6m", range: 30 } as const;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string | number>(values: readonly T[], raw: string | null, fallback: T): T {
  return values.find((v) => String(v) === raw) ?? fallback;
}

export function parseSort(raw: string | null): SortState | null {
  if (!raw) return null;
  const [id, dir] = raw.split(".");
  const column = SORTABLE_COLUMNS.find((c) => c === id);
  if (!column || (dir !== "asc" && dir !== "desc")) return null;
  return { id: column, desc: dir === "desc" };
}

export function parseDashboardParams(search: URLSearchParams): DashboardParams {
  const asOf = search.get("asOf");
  return {
    tab: oneOf(TABS, search.get("tab"), DEFAULTS.tab),
    period: oneOf(PERIODS, search.get("period"), DEFAULTS.period),
    trend: oneOf(PERIODS, search.get("trend"), DEFAULTS.trend),
    range: oneOf(PANEL_RANGES, search.get("range"), DEFAULTS.range),
    sort: parseSort(search.get("sort")),
    q: search.get("q") ?? "",
    asOf: asOf && ISO_DAY.test(asOf) ? asOf : undefined,
  };
}

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
