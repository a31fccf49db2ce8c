"use client";

import { useDeferredValue, useEffect, useMemo, useState } from "react";
import type { UserRow } from "@/lib/activity/types";
import type { SortState } from "@/components/dashboard/use-dashboard-params";
import { formatNumber } from "@/components/format";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states";
import { useUsersQuery } from "./use-users-query";
import { LazyUsersTable, preloadUsersTable } from "@/components/dashboard/lazy-tabs";
import { UsersToolbar } from "./users-toolbar";
import { EmptyOrgNotice } from "@/components/data/empty-org-notice";

const TABLE_HEIGHT = "h-[max(360px,calc(100vh-270px))]";

function matches(user: UserRow, needle: string): boolean {
  return [user.name, user.username, user.email].some((v) => v?.toLowerCase().includes(needle));
}

/** Binds /api/v1/users to the toolbar and the table. */
export function UsersTab({
  asOf,
  query,
  sort,
  onQueryChange,
  onSortChange,
  multiTenant,
  tableClassName = TABLE_HEIGHT,
}: {
  asOf: string | undefined;
  query: string;
  sort: SortState | null;
  onQueryChange: (q: string) => void;
  onSortChange: (sort: SortState) => void;
  multiTenant: boolean;
  tableClassName?: string;
}) {
  const users = useUsersQuery(asOf);
  // The table's code and the users load side by side, not one after the other.
  useEffect(preloadUsersTable, []);
  const noun = multiTenant ? "Members" : "Users";
  // The input stays responsive; filtering 10k rows follows a beat later.
  const [draft, setDraft] = useState(query);
  const needle = useDeferredValue(draft.trim().toLowerCase());
  const all = users.data?.users;
  const visible = useMemo(() => (all && needle ? all.filter((u) => matches(u, needle)) : (all ?? [])), [all, needle]);

  function onDraftChange(q: string) {
    setDraft(q);
    onQueryChange(q);
  }

  let body;
  if (users.isPending) {
    body = (
      <div role="status" className={`flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 ${tableClassName}`}>
        <span className="sr-only">Loading {noun.toLowerCase()}…</span>
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-7 w-full" />
        ))}
      </div>
    );
  } else if (users.isError) {
    body = <ErrorState what={noun.toLowerCase()} error={users.error} onRetry={() => void users.refetch()} className={tableClassName} />;
  } else if (all!.length === 0) {
    body = <EmptyOrgNotice what="users" className={tableClassName} />;
  } else if (visible.length === 0) {
    body = <EmptyState className={tableClassName}>No {noun.toLowerCase()} match “{draft.trim()}”</EmptyState>;
  } else {
    // The table's code loads beside the data; the box keeps its height meanwhile.
    body = (
      <div className={tableClassName}>
        <LazyUsersTable users={visible} sort={sort} onSortChange={onSortChange} multiTenant={multiTenant} label={noun} className="h-full" />
      </div>
    );
  }

  return (
    <div>
      <UsersToolbar query={draft} onQueryChange={onDraftChange} asOf={asOf ?? users.data?.asOf} multiTenant={multiTenant} noun={noun} />
      {body}
      <p aria-live="polite" className="mt-2 h-5 text-sm text-slate-600">
        {all && (needle ? `${formatNumber(visible.length)} of ${formatNumber(all.length)} ${noun.toLowerCase()}` : `${formatNumber(all.length)} ${noun.toLowerCase()}`)}
        {users.data && <> · as of {users.data.asOf}</>}
      </p>
    </div>
  );
}
