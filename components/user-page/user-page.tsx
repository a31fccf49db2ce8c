"use client";

import type { ReactNode } from "react";
import { formatTerm } from "@/lib/filter/parse-filter";
import { ApiError, withQuery } from "@/lib/fetch-json";
import { explorerUrl } from "@/components/explorer/use-explorer-queries";
import { Card, EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";
import { ActivityHeatmap } from "./activity-heatmap";
import { LifecycleList } from "./lifecycle-list";
import { RecentEvents } from "./recent-events";
import { StatusBadge, UserProfile } from "./user-profile";
import { useUserDetailQuery } from "./use-user-detail-query";

function Frame({ org, title, asOf, role, children }: { org: string; title: ReactNode; asOf?: string; role: "admin" | "auditor"; children: ReactNode }) {
  const back = withQuery("/org/dashboard", { org, asOf });
  return (
    <main id="main" className="mx-auto max-w-[1400px] px-4 pb-10 pt-6 sm:px-6 2xl:max-w-[1760px]">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <a href={back} className="rounded-sm text-indigo-800 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          Users
        </a>
        <span aria-hidden="true" className="px-1.5 text-slate-400">
          /
        </span>
      </nav>
      <div className="mb-5 flex flex-wrap items-baseline justify-between gap-2">
        {title}
        <p className="text-sm text-slate-600">
          {org}
          {asOf && <> · as of {asOf}</>}
          {role !== "admin" && <> · read-only ({role})</>}
        </p>
      </div>
      {children}
    </main>
  );
}

/**
 * A user's page (`/org/users/[id]`): the user as the Users tab shows them, their active days
 * over the last 12 months, their lifecycle history and their latest events, with a link to
 * the explorer for the rest. Binds /api/v1/users/[id]; the events come from the explorer API.
 */
export function UserPage({
  orgSlug,
  id,
  asOf,
  role,
  multiTenant,
}: {
  orgSlug: string;
  id: number | null;
  asOf?: string;
  role: "admin" | "auditor";
  multiTenant: boolean;
}) {
  const detail = useUserDetailQuery(orgSlug, id, asOf);
  const missing = id === null || (detail.error instanceof ApiError && detail.error.status === 404);
  if (missing) {
    return (
      <Frame org={orgSlug} asOf={asOf} role={role} title={<h1 className="text-2xl font-semibold tracking-tight">User not found</h1>}>
        <EmptyState className="h-40">
          No such user in {orgSlug}
          {asOf ? ` as of ${asOf}` : ""}: the link may be from another organization, or the user was deleted.
        </EmptyState>
      </Frame>
    );
  }
  if (detail.isPending || detail.isError) {
    return (
      <Frame org={orgSlug} asOf={asOf} role={role} title={<h1 className="text-2xl font-semibold tracking-tight">User</h1>}>
        {detail.isPending ? (
          <LoadingBlock label="Loading the user…" className="h-96" />
        ) : (
          <ErrorState what="the user" error={detail.error} onRetry={() => void detail.refetch()} className="h-64" />
        )}
      </Frame>
    );
  }
  const d = detail.data;
  const u = d.user;
  const shownAsOf = asOf ?? d.asOf;
  // The user's events; up to the page's day when it shows an earlier one.
  const actorQ = d.actorTerm ? `${formatTerm("actor", d.actorTerm)}${asOf ? ` created:<=${asOf}` : ""}` : null;
  const targetQ = d.actorTerm ? `${formatTerm("user", d.actorTerm)}${asOf ? ` created:<=${asOf}` : ""}` : null;
  return (
    <Frame
      org={orgSlug}
      asOf={asOf}
      role={role}
      title={
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{u.name || u.email || u.username || `User ${u.id}`}</h1>
          <StatusBadge status={u.status} />
        </div>
      }
    >
      <div className="grid grid-cols-1 gap-5 xl:grid-cols-[24rem_minmax(0,1fr)]">
        <Card title="Profile">
          <UserProfile user={u} multiTenant={multiTenant} />
          <p className="mt-3 text-xs text-slate-600">As the Users tab shows them as of {shownAsOf}.</p>
        </Card>
        <Card title="Active days, last 12 months">
          <ActivityHeatmap from={d.from} to={d.to} days={d.days} />
        </Card>
        <Card title="Lifecycle">
          <LifecycleList events={d.lifecycle} />
        </Card>
        <Card
          title="Recent events"
          actions={
            targetQ && (
              <a
                href={explorerUrl(orgSlug, targetQ)}
                className="rounded-sm text-sm text-indigo-800 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                Events aimed at this user
              </a>
            )
          }
        >
          {actorQ ? (
            <RecentEvents org={orgSlug} q={actorQ} />
          ) : (
            <EmptyState className="h-24">This user has no email, platform id or username to search events by.</EmptyState>
          )}
        </Card>
      </div>
    </Frame>
  );
}
