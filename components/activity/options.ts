import type { PanelRange, Period } from "@/lib/activity/types";

export const PERIOD_OPTIONS: readonly { value: Period; label: string }[] = [
  { value: "30d", label: "Last 30 days" },
  { value: "3m", label: "Last 3 months" },
  { value: "6m", label: "Last 6 months" },
  { value: "12m", label: "Last 12 months" },
  { value: "all", label: "All time" },
];

export const RANGE_OPTIONS: readonly { value: `${PanelRange}`; label: string }[] = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
];
