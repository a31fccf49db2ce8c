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
  if (session.kind === "forbidden") return <ForbiddenNotice need="an organization admin" what="Settings" detail={session.message} />;
  // Settings change things: admins only (the settings API refuses auditors too).
  if (session.kind === "auditor")
    return (
      <ForbiddenNotice
        need="an organization admin"
        what="Settings"
        detail={`Your role in ${session.orgSlug} is auditor: you can read the dashboard, not change settings.`}
      />
    );
  const slack = search.slack;
  return <SettingsPage orgSlug={session.orgSlug} slackOutcome={typeof slack === "string" ? slack : undefined} />;
}
