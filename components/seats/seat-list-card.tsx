"use client";

import { useId, useState } from "react";
import { seatListTitle, type SeatListKind } from "@/lib/activity/seats";
import type { ListedUser } from "@/lib/activity/types";
import { digestList } from "@/lib/alerts/seats-digest";
import { seatListPreviewMessage } from "@/lib/alerts/slack-message";
import { formatDate, formatNumber } from "@/components/format";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/states";
import { downloadShownUsersCsv } from "@/components/users/download-users-csv";
import { SlackPreview } from "./slack-preview";

/** Rows drawn per list; the CSV has them all. */
const SHOWN_MAX = 200;

const DEFINITIONS: Record<SeatListKind, (days: number) => string> = {
  inactive: (days) => `Not deactivated, last active before the day ${days} days before the as-of date. Users never active are not counted here.`,
  pendingInvites: () => "Invite pending, added more than 30 days before the as-of date. Pending users with no known date added are not counted.",
  deactivatedOnTeams: () => "Deactivated, and still a member of at least one team.",
};

function detail(kind: SeatListKind, u: ListedUser): string {
  if (kind === "inactive") return u.lastActive ? `Last active ${formatDate(u.lastActive)}` : "";
  if (kind === "pendingInvites") return u.addedAt ? `Added ${formatDate(u.addedAt)}` : "";
  return u.teams.join(", ");
}

const who = (u: ListedUser) => u.name || u.email || u.username || "unknown user";

/** One list of the worklist: count, definition, the users, its CSV and its digest preview. */
export function SeatListCard({
  kind,
  users,
  days,
  asOf,
  orgSlug,
  digestDays,
}: {
  kind: SeatListKind;
  users: ListedUser[];
  days: number;
  asOf: string;
  orgSlug: string;
  digestDays: number;
}) {
  const title = seatListTitle(kind, days);
  const headingId = useId();
  const [preview, setPreview] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileName = `seats-${kind === "inactive" ? `inactive-${days}d` : kind === "pendingInvites" ? "pending-invites" : "deactivated-on-teams"}-${orgSlug}-${asOf}.csv`;

  async function download() {
    setError(null);
    try {
      await downloadShownUsersCsv(users, fileName);
    } catch (e) {
      setError(e instanceof Error ? e.message : "export failed");
    }
  }

  return (
    <section aria-labelledby={headingId} className="flex flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={headingId} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      <p className="mt-1 text-4xl font-semibold tabular-nums text-slate-900" data-testid={`seat-count-${kind}`}>
        {formatNumber(users.length)}
      </p>
      <p className="mt-1 min-h-10 text-xs text-slate-600">{DEFINITIONS[kind](days)}</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Button onClick={() => void download()} disabled={users.length === 0} aria-label={`Download CSV: ${title}`}>
          Download CSV
        </Button>
        <Button variant="ghost" aria-expanded={preview} onClick={() => setPreview(!preview)} aria-label={`Preview Slack digest: ${title}`}>
          Preview Slack digest
          <span aria-hidden="true" className="text-xs">
            {preview ? "▲" : "▼"}
          </span>
        </Button>
        {error && (
          <span role="alert" className="text-sm text-red-800">
            Export failed: {error}
          </span>
        )}
      </div>
      {preview && (
        <div className="mt-3 rounded-md bg-slate-50 p-3">
          <p className="mb-2 text-xs text-slate-600">
            The weekly digest (Settings → Alert rules) reports this list as of each week&apos;s last day
            {kind === "inactive" && days !== digestDays ? `, with ${digestDays} days; this preview uses ${days}` : ""}:
          </p>
          <SlackPreview label={`Slack digest preview: ${title}`} message={seatListPreviewMessage(orgSlug, asOf, digestList(kind, users, days))} />
        </div>
      )}
      <div className="mt-4 min-h-0 flex-1">
        {users.length === 0 ? (
          <EmptyState className="h-24">Nobody in this list</EmptyState>
        ) : (
          <div
            tabIndex={0}
            role="region"
            aria-label={`${title}: users`}
            className="max-h-[420px] overflow-auto rounded-md border border-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <table className="w-full table-fixed text-sm">
              <thead className="sticky top-0 bg-slate-50 text-left text-xs text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2 font-semibold">
                    User
                  </th>
                  <th scope="col" className="px-3 py-2 font-semibold">
                    {kind === "deactivatedOnTeams" ? "Teams" : kind === "inactive" ? "Last active" : "Added"}
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.slice(0, SHOWN_MAX).map((u, i) => (
                  <tr key={`${u.email ?? ""}|${u.username ?? ""}|${i}`} className="border-t border-slate-100">
                    <td className="px-3 py-1.5">
                      <span className="block truncate text-slate-900" title={who(u)}>
                        {who(u)}
                      </span>
                      {u.email && u.email !== who(u) && (
                        <span className="block truncate text-xs text-slate-600" title={u.email}>
                          {u.email}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-1.5 text-slate-700">
                      <span className="block truncate" title={detail(kind, u)}>
                        {detail(kind, u)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {users.length > SHOWN_MAX && (
              <p className="px-3 py-2 text-xs text-slate-600">…and {formatNumber(users.length - SHOWN_MAX)} more: the CSV has them all.</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
