import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { preload } from "react-dom";
import { parseDashboardParams } from "@/components/dashboard/dashboard-params";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { OrgDashboard } from "@/components/dashboard/org-dashboard";
import { usersUrl } from "@/components/users/users-url";
import { formatDate } from "@/lib/audit/timestamp";
import { today } from "@/lib/today";
import { getPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Organization Dashboard · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrgDashboardPage({ searchParams }: { searchParams: SearchParams }) {
  const search = new URLSearchParams(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
  const session = await getPageSession(search.get("org"));
  if (session.kind === "signed-out") {
    const query = search.toString();
    redirect(`/signin?next=${encodeURIComponent(`/org/dashboard${query ? `?${query}` : ""}`)}`);
  }
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  // The browser fetches the users while the page's code loads and hydrates; the tab's query
  // then gets this response (same URL and credentials mode) instead of starting after hydration.
  const params = parseDashboardParams(search);
  if (params.tab === "users" && params.invalid.length === 0) preload(usersUrl(session.orgSlug, params.asOf), { as: "fetch", crossOrigin: "anonymous" });
  return <OrgDashboard orgSlug={session.orgSlug} username={session.username} deployment={session.deployment} today={formatDate(today())} />;
}
