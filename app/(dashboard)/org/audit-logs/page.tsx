import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { ExplorerPage } from "@/components/explorer/explorer-page";
import { formatDate } from "@/lib/audit/timestamp";
import { today } from "@/lib/today";
import { getReaderPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Audit log · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditLogsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const org = typeof params.org === "string" && params.org !== "" ? params.org : undefined;
  const session = await getReaderPageSession(org);
  if (session.kind === "signed-out") {
    const search = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : []))).toString();
    redirect(`/signin?next=${encodeURIComponent(`/org/audit-logs${search ? `?${search}` : ""}`)}`);
  }
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  return <ExplorerPage orgSlug={session.orgSlug} role={session.role} today={formatDate(today())} />;
}
