/**
 * The dashboard's periods and panel ranges, without zod: client components import these
 * (lib/activity/types.ts builds its schemas from them), so zod stays out of the dashboard's
 * first-load JavaScript (scripts/bundle-report.ts).
 */
export const PERIODS = ["30d", "3m", "6m", "12m", "all"] as const;
export const PANEL_RANGES = [7, 30, 90] as const;
