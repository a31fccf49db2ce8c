import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DataPage } from "@/components/data/data-page";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { getReaderPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Data · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrgDataPage({ searchParams }: { searchParams: SearchParams }) {
  const org = (await searchParams).org;
  const requested = typeof org === "string" && org !== "" ? org : undefined;
  const session = await getReaderPageSession(requested);
  if (session.kind === "signed-out") redirect(`/signin?next=${encodeURIComponent(`/org/data${requested ? `?org=${encodeURIComponent(requested)}` : ""}`)}`);
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  return <DataPage orgSlug={session.orgSlug} role={session.role} />;
}
