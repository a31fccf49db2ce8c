"use client";

import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { withQuery } from "@/lib/fetch-json";
import { useOrgSlug } from "@/components/dashboard/org-context";

/** The user page of users.id `id` (docs/DASHBOARD.md), in an organization and as of a day when given. */
export function userPageUrl(id: number, o: { org?: string | null; asOf?: string | null } = {}): string {
  return withQuery(`/org/users/${id}`, { org: o.org ?? undefined, asOf: o.asOf ?? undefined });
}

/**
 * A link to a user's page from a list of users (the Users table, Most active users): in the
 * organization the list shows (`?org=`, else the landing one) and as of its `?asOf=`, so the
 * user is shown as that list shows them.
 */
export function UserPageLink({ id, children, className = "", tabIndex }: { id: number; children: ReactNode; className?: string; tabIndex?: number }) {
  const search = useSearchParams();
  const org = useOrgSlug();
  return (
    <a
      href={userPageUrl(id, { org, asOf: search.get("asOf") })}
      tabIndex={tabIndex}
      className={`rounded-sm text-indigo-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 ${className}`}
    >
      {children}
    </a>
  );
}
