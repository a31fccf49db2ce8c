"use client";

import { useSearchParams } from "next/navigation";
import { createContext, useContext, type ReactNode } from "react";

/** What the signed-in pages know from the server and share with components deep in them. */
export interface DashboardContextValue {
  /** The organization the pages show (the session's), or null when signed out or refused. */
  orgSlug: string | null;
  /** The platform's page for inviting users (lib/sources/platform-links.ts), or null when unknown. */
  inviteUrl: string | null;
}

const DashboardContext = createContext<DashboardContextValue>({ orgSlug: null, inviteUrl: null });

export function DashboardContextProvider({ value, children }: { value: DashboardContextValue; children: ReactNode }) {
  return <DashboardContext.Provider value={value}>{children}</DashboardContext.Provider>;
}

/** The context, with the organization `?org=SLUG` names when the URL names one (the layout cannot read the URL). */
export function useDashboardContext(): DashboardContextValue {
  const value = useContext(DashboardContext);
  const org = useSearchParams().get("org");
  return org && value.orgSlug ? { ...value, orgSlug: org } : value;
}
