"use client";

import { useSearchParams } from "next/navigation";
import { createContext, useContext, type ReactNode } from "react";

/** The account's organizations and where a page opens without `?org=` (lib/web/page-session.ts). */
interface OrgState {
  landing: string | null;
  orgs: readonly { slug: string; demo: boolean }[];
}

const OrgContext = createContext<OrgState>({ landing: null, orgs: [] });

export function OrgProvider({ landing, orgs, children }: OrgState & { children: ReactNode }) {
  return <OrgContext.Provider value={{ landing, orgs }}>{children}</OrgContext.Provider>;
}

/**
 * The organization the dashboard shows: `?org=SLUG` from the URL, else the landing one. Every
 * API call passes it as `org=` and every query key includes it (lib/query-keys.ts), since the
 * landing organization (the demo on a first start) is not the API's default.
 */
export function useOrgSlug(): string | undefined {
  const search = useSearchParams();
  const { landing } = useContext(OrgContext);
  return search.get("org") || landing || undefined;
}

export function useAccountOrgs(): OrgState["orgs"] {
  return useContext(OrgContext).orgs;
}

/** `href` with the current `?org=` kept, so moving between pages stays in the organization. */
export function useOrgHref(href: string): string {
  const org = useSearchParams().get("org");
  if (!org) return href;
  const url = new URL(href, "http://x");
  url.searchParams.set("org", org);
  return `${url.pathname}${url.search}`;
}
