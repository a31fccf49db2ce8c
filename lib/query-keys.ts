// The one query-key factory of the client: general to specific, so `['activity']`
// invalidates every period and `['activity', {period, asOf}]` names one answer.
import type { PanelRange, Period } from "@/lib/activity/types";

export const queryKeys = {
  users: (asOf?: string) => ["users", { asOf: asOf ?? null }] as const,
  activity: (period: Period, asOf?: string) => ["activity", { period, asOf: asOf ?? null }] as const,
  panel: (range: PanelRange, asOf?: string) => ["panel", { range, asOf: asOf ?? null }] as const,
  notificationSettings: () => ["settings", "notifications"] as const,
  // The Data page: `['data']` invalidates all of it after an upload or a verification.
  data: () => ["data"] as const,
  freshness: (org: string) => ["data", "freshness", { org }] as const,
  dataSources: (org: string) => ["data", "sources", { org }] as const,
  uploads: (org: string) => ["data", "uploads", { org }] as const,
  integrity: (org: string) => ["data", "integrity", { org }] as const,
};
