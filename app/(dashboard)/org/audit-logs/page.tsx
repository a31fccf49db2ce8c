import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { ExplorerPage } from "@/components/explorer/explorer-page";
import { getReaderPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Audit logs · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditLogsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const requested = typeof params.org === "string" && params.org !== "" ? params.org : undefined;
  const session = await getReaderPageSession(requested);
  if (session.kind === "signed-out") {
    const search = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
    const query = search.toString();
    redirect(`/signin?next=${encodeURIComponent(`/org/audit-logs${query ? `?${query}` : ""}`)}`);
  }
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  return (
    <Suspense>
      <ExplorerPage orgSlug={session.orgSlug} />
    </Suspense>
  );
}
