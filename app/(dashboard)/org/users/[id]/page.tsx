import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ForbiddenNotice } from "@/components/dashboard/forbidden-notice";
import { UserPage } from "@/components/user-page/user-page";
import { getReaderPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "User · orgtrail" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `/org/users/[id]`: [id] is the user's users.id, as `id` in GET /api/v1/users (docs/DASHBOARD.md). */
export default async function UserPageShell({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params;
  const search = await searchParams;
  const org = typeof search.org === "string" && search.org !== "" ? search.org : undefined;
  const asOf = typeof search.asOf === "string" && /^\d{4}-\d{2}-\d{2}$/.test(search.asOf) ? search.asOf : undefined;
  const session = await getReaderPageSession(org);
  if (session.kind === "signed-out") {
    const query = new URLSearchParams(Object.entries(search).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : []))).toString();
    redirect(`/signin?next=${encodeURIComponent(`/org/users/${encodeURIComponent(id)}${query ? `?${query}` : ""}`)}`);
  }
  if (session.kind === "forbidden") return <ForbiddenNotice detail={session.message} />;
  const userId = /^[1-9]\d{0,9}$/.test(id) ? Number(id) : null;
  return <UserPage orgSlug={session.orgSlug} id={userId} asOf={asOf} role={session.role} multiTenant={session.deployment === "multi-tenant"} />;
}
