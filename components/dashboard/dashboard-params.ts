// The dashboard's view as the URL holds it. No "use client": the page (a server component)
// reads the same parameters to preload the Users tab's data.
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
