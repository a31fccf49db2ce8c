"use client";

import { usePathname, useRouter } from "next/navigation";
import { useId } from "react";
import { FreshnessIndicator } from "@/components/data/freshness-indicator";
import { useAccountOrgs, useOrgHref, useOrgSlug } from "./org-context";

/**
 * The header's organization switcher: a labelled native drop-down of the account's
 * organizations. Choosing one opens the same page with `?org=SLUG` (the rest of the view is
 * organization-specific and starts over).
 */
export function OrgSwitcher() {
  const id = useId();
  const orgs = useAccountOrgs();
  const current = useOrgSlug();
  const router = useRouter();
  const pathname = usePathname();
  if (orgs.length < 2 || !current) {
    return current ? (
      <span className="min-w-0 truncate rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700">
        <span className="sr-only">Organization: </span>
        {current}
      </span>
    ) : null;
  }
  return (
    <span className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Organization
      </label>
      <select
        id={id}
        value={current}
        onChange={(e) => router.push(`${pathname}?org=${encodeURIComponent(e.target.value)}`)}
        className="h-8 min-w-0 max-w-full truncate rounded-md border border-slate-300 bg-white pl-2 pr-8 text-sm text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        {orgs.some((o) => o.slug === current) ? null : <option value={current}>{current}</option>}
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.demo ? `${o.slug} (demo data)` : o.slug}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A header link that keeps the current `?org=`. */
export function OrgLink({ href, children, className }: { href: string; children: React.ReactNode; className?: string }) {
  return (
    <a href={useOrgHref(href)} className={className}>
      {children}
    </a>
  );
}

/** The header's "Last event …" of the organization on screen. */
export function CurrentOrgFreshness() {
  const org = useOrgSlug();
  return org ? <FreshnessIndicator orgSlug={org} /> : null;
}
