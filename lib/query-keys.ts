// The one query-key factory of the client: general to specific, so `['activity']`
// invalidates every period and `['activity', {org, period, asOf}]` names one answer. Every key
// holds the organization (`org=SLUG` of the call; null for the account's default): the same
// question about two organizations is two answers.
import type { PanelRange, Period } from "@/lib/activity/types";

export const queryKeys = {
  users: (org: string | undefined, asOf?: string) => ["users", { org: org ?? null, asOf: asOf ?? null }] as const,
  activity: (org: string | undefined, period: Period, asOf?: string) => ["activity", { org: org ?? null, period, asOf: asOf ?? null }] as const,
  panel: (org: string | undefined, range: PanelRange, asOf?: string) => ["panel", { org: org ?? null, range, asOf: asOf ?? null }] as const,
  notificationSettings: (org: string | undefined) => ["settings", "notifications", { org: org ?? null }] as const,
  accessLog: (org: string | undefined, before: number | null) => ["settings", "access-log", { org: org ?? null, before }] as const,
  // The Data page: `['data']` invalidates all of it after an upload or a verification.
  data: () => ["data"] as const,
  freshness: (org: string) => ["data", "freshness", { org }] as const,
  dataSources: (org: string) => ["data", "sources", { org }] as const,
  uploads: (org: string) => ["data", "uploads", { org }] as const,
  integrity: (org: string) => ["data", "integrity", { org }] as const,
  // The explorer (`['events']` invalidates all of it) and the user page.
  events: (org: string, q: string, limit: number) => ["events", "page", { org, q, limit }] as const,
  eventFacets: (org: string, q: string, field: string) => ["events", "facets", { org, q, field }] as const,
  eventHistogram: (org: string, q: string) => ["events", "histogram", { org, q }] as const,
  userDetail: (org: string, id: number, asOf?: string) => ["user", { org, id, asOf: asOf ?? null }] as const,
};
