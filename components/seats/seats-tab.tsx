"use client";

import { useMemo } from "react";
import { DEFAULT_SEAT_INACTIVE_DAYS, PENDING_INVITE_DAYS, SEAT_INACTIVE_DAYS, SEAT_LISTS, seatWorklist, type SeatInactiveDays } from "@/lib/activity/seats";
import { Select } from "@/components/ui/select";
import { ErrorState, LoadingBlock } from "@/components/ui/states";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { useUsersQuery } from "@/components/users/use-users-query";
import { SeatListCard } from "./seat-list-card";

const DAY_OPTIONS = SEAT_INACTIVE_DAYS.map((d) => ({ value: `${d}` as `${SeatInactiveDays}`, label: `${d} days` }));

/**
 * The dormant seats worklist (read-only): users inactive for more than N days, invites pending
 * for more than 30 days, deactivated users still on teams; each with its count, its CSV and
 * the weekly Slack digest's part about it. Computed from the users answer (lib/activity/seats.ts).
 */
export function SeatsTab({
  asOf,
  days,
  orgSlug,
  onDaysChange,
}: {
  asOf: string | undefined;
  days: SeatInactiveDays;
  orgSlug: string;
  onDaysChange: (days: SeatInactiveDays) => void;
}) {
  const users = useUsersQuery(asOf);
  const org = useOrgSlug() ?? orgSlug;
  const shownAsOf = asOf ?? users.data?.asOf;
  const lists = useMemo(() => (users.data && shownAsOf ? seatWorklist(users.data.users, shownAsOf, days) : null), [users.data, shownAsOf, days]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-3xl text-sm text-slate-600">
          Seats that may be free to reclaim, as of {shownAsOf ?? "…"}. Read-only: act on them in the platform. Pending invites count when older than{" "}
          {PENDING_INVITE_DAYS} days.
        </p>
        <Select
          label="Inactive for more than"
          value={`${days}` as `${SeatInactiveDays}`}
          options={DAY_OPTIONS}
          onChange={(v) => onDaysChange(Number(v) as SeatInactiveDays)}
        />
      </div>
      {users.isError ? (
        <ErrorState what="users" error={users.error} onRetry={() => void users.refetch()} className="h-[600px]" />
      ) : !lists || !shownAsOf ? (
        <LoadingBlock label="Loading seats…" className="h-[600px]" />
      ) : (
        <div className="grid grid-cols-1 gap-5 xl:grid-cols-3">
          {SEAT_LISTS.map((kind) => (
            <SeatListCard key={kind} kind={kind} users={lists[kind]} days={days} asOf={shownAsOf} orgSlug={org} digestDays={DEFAULT_SEAT_INACTIVE_DAYS} />
          ))}
        </div>
      )}
    </div>
  );
}
