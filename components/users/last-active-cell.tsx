import type { UserRow } from "@/lib/activity/types";
import { wholeMonthsBetween } from "@/lib/activity/calendar";
import { formatDate, formatNumber, formatTimestamp } from "@/components/format";

/** The Last Active value: "Invite pending", the time, "Deactivated" or "-". Renders props only. */
export function LastActiveLabel({ user, multiTenant }: { user: UserRow; multiTenant: boolean }) {
  if (user.status === "deactivated") return <>Deactivated</>;
  if (user.status === "invite_pending") return <>Invite pending</>;
  if (user.status === "active" && user.lastActive) return <time dateTime={user.lastActive}>{formatTimestamp(user.lastActive)}</time>;
  return (
    <>
      <span aria-hidden="true">-</span>
      <span className="sr-only">{multiTenant && !user.lastActive ? "Not yet active" : "Not active in the last six months"}</span>
    </>
  );
}

const DAY_MS = 86_400_000;

/** "6 months ago", "less than a month ago": whole calendar months from the last activity to asOf. */
export function monthsAgo(lastActive: string, asOfDay: number): string {
  const months = wholeMonthsBetween(Math.floor(Date.parse(lastActive) / DAY_MS), asOfDay);
  if (months === 0) return "less than a month ago";
  return `${months} month${months === 1 ? "" : "s"} ago`;
}

/**
 * The tooltip of a Last Active cell (seed: date added and total active days). When the cell
 * does not show the time ("-", "Deactivated"), it also says when the user was last active.
 */
export function LastActiveTooltip({ user, asOfDay }: { user: UserRow; asOfDay: number | undefined }) {
  const shown = user.status === "active" && user.lastActive;
  return (
    <>
      <span className="block">Date added: {user.addedAt ? formatDate(user.addedAt) : "unknown"}</span>
      <span className="block">Total active days: {formatNumber(user.activeDays)}</span>
      {!shown && user.lastActive && (
        <span className="block">
          Last active {formatDate(user.lastActive)}
          {asOfDay !== undefined && ` (${monthsAgo(user.lastActive, asOfDay)})`}
        </span>
      )}
      {!shown && !user.lastActive && user.status !== "invite_pending" && <span className="block">Never active</span>}
    </>
  );
}
