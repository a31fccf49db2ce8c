import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { OrgDashboard } from "@/components/dashboard/org-dashboard";
import { getPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Organization Dashboard · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrgDashboardPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await getPageSession();
  if (session.kind === "signed-out") {
    const query = new URLSearchParams(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : []))).toString();
    redirect(`/signin?next=${encodeURIComponent(`/org/dashboard${query ? `?${query}` : ""}`)}`);
  }
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  return <OrgDashboard orgSlug={session.orgSlug} username={session.username} deployment={session.deployment} />;
}
