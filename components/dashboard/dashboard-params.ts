// The dashboard's view as the URL holds it. No "use client": the page (a server component)
// reads the same parameters to preload the Users tab's data.
import { PANEL_RANGES, PERIODS } from "@/lib/activity/periods";
import { DEFAULT_SEAT_INACTIVE_DAYS, SEAT_INACTIVE_DAYS, type SeatInactiveDays } from "@/lib/activity/seats";
import { STATUS_FILTERS, type StatusFilter } from "@/lib/activity/status";
import type { PanelRange, Period } from "@/lib/activity/types";
import { parseDate } from "@/lib/audit/timestamp";

export const TABS = ["users", "activity", "seats"] as const;
export type Tab = (typeof TABS)[number];

export const SORTABLE_COLUMNS = ["name", "username", "email", "role", "teams", "lastActive", "activeDays", "runs", "reports", "modelsSeat"] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];
export interface SortState {
  id: SortColumn;
  desc: boolean;
}

/** Columns the column chooser adds to the users table (hidden unless listed in `cols`). */
export const OPTIONAL_COLUMNS = ["runs", "reports", "modelsSeat"] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

/** A parameter of the link that is not a value of this page (shown in one banner with Reset). */
export interface InvalidParam {
  name: string;
  value: string;
  reason: string;
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
  /** The Users tab's status filter. */
  status: StatusFilter;
  /** Optional columns shown, in OPTIONAL_COLUMNS order. */
  cols: OptionalColumn[];
  /** The Seats tab's "inactive for more than N days". */
  days: SeatInactiveDays;
  asOf: string | undefined;
  /** Parameters whose value was refused (each then reads as its default). */
  invalid: InvalidParam[];
}

export const DEFAULTS = { tab: "users", period: "3m", trend: "6m", range: 30, status: "all", days: DEFAULT_SEAT_INACTIVE_DAYS } as const;

export function parseSort(raw: string | null): SortState | null {
  if (!raw) return null;
  const [id, dir] = raw.split(".");
  const column = SORTABLE_COLUMNS.find((c) => c === id);
  if (!column || (dir !== "asc" && dir !== "desc")) return null;
  return { id: column, desc: dir === "desc" };
}

/** `cols=runs,modelsSeat`: the known names, in OPTIONAL_COLUMNS order; null when one is unknown. */
export function parseCols(raw: string | null): OptionalColumn[] | null {
  if (!raw) return [];
  const names = raw.split(",");
  if (names.some((n) => !(OPTIONAL_COLUMNS as readonly string[]).includes(n))) return null;
  return OPTIONAL_COLUMNS.filter((c) => names.includes(c));
}

const list = (values: readonly (string | number)[]) => values.join(", ");

/**
 * The view of a dashboard URL. A value the page does not know is listed in `invalid` (and the
 * default is used), so the page can say so once instead of sending it to every API call.
 */
export function parseDashboardParams(search: URLSearchParams): DashboardParams {
  const invalid: InvalidParam[] = [];
  function check<T extends string | number>(name: string, values: readonly T[], fallback: T, reason: string): T {
    const raw = search.get(name);
    if (raw === null) return fallback;
    const value = values.find((v) => String(v) === raw);
    if (value === undefined) invalid.push({ name, value: raw, reason });
    return value ?? fallback;
  }
  const tab = check("tab", TABS, DEFAULTS.tab, `not one of ${list(TABS)}`);
  const period = check("period", PERIODS, DEFAULTS.period, `not one of ${list(PERIODS)}`);
  const trend = check("trend", PERIODS, DEFAULTS.trend, `not one of ${list(PERIODS)}`);
  const range = check("range", PANEL_RANGES, DEFAULTS.range, `not one of ${list(PANEL_RANGES)}`);
  const status = check("status", STATUS_FILTERS, DEFAULTS.status, `not one of ${list(STATUS_FILTERS)}`);
  const days = check("days", SEAT_INACTIVE_DAYS, DEFAULTS.days, `not one of ${list(SEAT_INACTIVE_DAYS)}`);

  const rawSort = search.get("sort");
  const sort = parseSort(rawSort);
  if (rawSort !== null && rawSort !== "" && sort === null)
    invalid.push({ name: "sort", value: rawSort, reason: "not a column and direction of the users table" });

  const rawCols = search.get("cols");
  const cols = parseCols(rawCols);
  if (cols === null) invalid.push({ name: "cols", value: rawCols!, reason: `columns are ${list(OPTIONAL_COLUMNS)}` });

  const rawAsOf = search.get("asOf");
  const asOf = rawAsOf !== null && parseDate(rawAsOf) !== null ? rawAsOf : undefined;
  if (rawAsOf !== null && asOf === undefined) invalid.push({ name: "asOf", value: rawAsOf, reason: "not a calendar date YYYY-MM-DD" });

  return { tab, period, trend, range, sort, q: search.get("q") ?? "", status, cols: cols ?? [], days, asOf, invalid };
}
