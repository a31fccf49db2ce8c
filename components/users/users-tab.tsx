"use client";

import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { STATUS_FILTER_LABELS } from "@/lib/activity/status";
import { filterUsers, searchNeedle, statusCounts } from "@/lib/activity/user-filter";
import { parseDate } from "@/lib/audit/timestamp";
import type { DashboardParams, ParamsPatch } from "@/components/dashboard/use-dashboard-params";
import { formatNumber } from "@/components/format";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states";
import { useUsersQuery } from "./use-users-query";
import { LazyUsersTable, preloadUsersTable } from "@/components/dashboard/lazy-tabs";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { ColumnChooser } from "./column-chooser";
import { downloadShownUsersCsv, downloadUsersCsv, usersCsvFileName } from "./download-users-csv";
import { StatusFilterBar } from "./status-filter";
import { inTableOrder, tableColumns } from "./user-columns";
import { UsersToolbar, type UsersExports } from "./users-toolbar";
import { EmptyOrgNotice } from "@/components/data/empty-org-notice";

const TABLE_HEIGHT = "h-[max(360px,calc(100vh-320px))]";

/** Binds /api/v1/users to the toolbar, the status filter and the table. */
export function UsersTab({
  params,
  update,
  orgSlug,
  multiTenant,
  tableClassName = TABLE_HEIGHT,
}: {
  params: Pick<DashboardParams, "asOf" | "q" | "sort" | "status" | "cols">;
  update: (patch: ParamsPatch) => void;
  orgSlug: string;
  multiTenant: boolean;
  tableClassName?: string;
}) {
  const { asOf, sort, status, cols } = params;
  const users = useUsersQuery(asOf);
  // The organization on screen (`?org=`, else the landing one): the API calls' and the file names'.
  const org = useOrgSlug();
  const fileOrg = org ?? orgSlug;
  // The table's code and the users load side by side, not one after the other.
  useEffect(preloadUsersTable, []);
  const noun = multiTenant ? "Members" : "Users";
  const plural = noun.toLowerCase();
  // The input stays responsive; filtering 10k rows follows a beat later.
  const [draft, setDraft] = useState(params.q);
  const needle = useDeferredValue(searchNeedle(draft));
  const all = users.data?.users;
  const shownAsOf = asOf ?? users.data?.asOf;
  const asOfDay = shownAsOf ? (parseDate(shownAsOf) ?? undefined) : undefined;
  const columns = useMemo(() => tableColumns(multiTenant, asOfDay, cols), [multiTenant, asOfDay, cols]);
  const counts = useMemo(() => (all ? statusCounts(all, needle) : null), [all, needle]);
  const visible = useMemo(() => (all ? filterUsers(all, needle, status) : []), [all, needle, status]);
  const filtered = needle !== "" || status !== "all";

  function onDraftChange(q: string) {
    setDraft(q);
    update({ q });
  }

  const exports: UsersExports | null =
    all && shownAsOf
      ? {
          shown: visible.length,
          total: all.length,
          // The rows as the table shows them: the same filter, the same sort.
          shownCsv: () => downloadShownUsersCsv(inTableOrder(visible, columns, sort), usersCsvFileName(fileOrg, shownAsOf)),
          allCsv: () => downloadUsersCsv(shownAsOf, usersCsvFileName(fileOrg, shownAsOf), org),
        }
      : null;

  let body;
  if (users.isPending) {
    body = (
      <div role="status" className={`flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 ${tableClassName}`}>
        <span className="sr-only">Loading {plural}…</span>
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-7 w-full" />
        ))}
      </div>
    );
  } else if (users.isError) {
    body = <ErrorState what={plural} error={users.error} onRetry={() => void users.refetch()} className={tableClassName} />;
  } else if (all!.length === 0) {
    body = <EmptyOrgNotice what="users" className={tableClassName} />;
  } else if (visible.length === 0) {
    const label = STATUS_FILTER_LABELS[status];
    body = (
      <EmptyState className={tableClassName}>
        {needle ? `No ${plural} match “${draft.trim()}”${status === "all" ? "" : ` among “${label}”`}` : `No ${plural} with the status “${label}”`}
      </EmptyState>
    );
  } else {
    // The table's code loads beside the data; the box keeps its height meanwhile.
    body = (
      <div className={tableClassName}>
        <LazyUsersTable users={visible} columns={columns} sort={sort} onSortChange={(s) => update({ sort: s })} label={noun} className="h-full" />
      </div>
    );
  }

  return (
    <div>
      <UsersToolbar
        query={draft}
        onQueryChange={onDraftChange}
        exports={exports}
        multiTenant={multiTenant}
        noun={noun}
        extra={<ColumnChooser cols={cols} onChange={(c) => update({ cols: c })} />}
      />
      <StatusFilterBar value={status} counts={counts} onChange={(s) => update({ status: s })} multiTenant={multiTenant} />
      {body}
      <p aria-live="polite" className="mt-2 h-5 text-sm text-slate-600">
        {all && (filtered ? `${formatNumber(visible.length)} of ${formatNumber(all.length)} ${plural}` : `${formatNumber(all.length)} ${plural}`)}
        {users.data && <> · as of {users.data.asOf}</>}
      </p>
    </div>
  );
}
