import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { SettingsPage } from "@/components/settings/settings-page";
import { getPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Settings · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrgSettingsPage({ searchParams }: { searchParams: SearchParams }) {
  const search = await searchParams;
  const org = typeof search.org === "string" ? search.org : null;
  const session = await getPageSession(org);
  if (session.kind === "signed-out") redirect(`/signin?next=${encodeURIComponent(org ? `/org/settings?org=${org}` : "/org/settings")}`);
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  const slack = search.slack;
  return <SettingsPage orgSlug={session.orgSlug} slackOutcome={typeof slack === "string" ? slack : undefined} />;
}
