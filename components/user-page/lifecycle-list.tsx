import type { UserDetail } from "@/lib/activity/types";
import { formatTimestamp } from "@/components/format";

const LABELS: Record<string, string> = {
  "user:create": "Created",
  "team:invite_user": "Invited",
  "team:uninvite": "Removed",
  "user:deactivate": "Deactivated",
  "user:reactivate": "Reactivated",
  "user:delete": "Deleted",
  "user:permanently_delete": "Permanently deleted",
};

const DOT: Record<string, string> = {
  "user:create": "bg-emerald-500",
  "team:invite_user": "bg-sky-500",
  "user:reactivate": "bg-emerald-500",
  "user:deactivate": "bg-red-500",
  "user:delete": "bg-red-700",
  "user:permanently_delete": "bg-red-700",
};

/** The lifecycle events aimed at the user, oldest first: what, when, by whom, in which team. Renders props. */
export function LifecycleList({ events }: { events: UserDetail["lifecycle"] }) {
  if (events.length === 0) {
    return (
      <p className="text-sm text-slate-600">No lifecycle event names this user: it was never invited, created, deactivated or reactivated in the audit log.</p>
    );
  }
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-5">
      {events.map((e, i) => {
        const failed = e.status !== null && e.status >= 400;
        return (
          <li key={i} className="relative">
            <span
              aria-hidden="true"
              className={`absolute -left-[25px] top-1.5 h-2.5 w-2.5 rounded-full ring-2 ring-white ${failed ? "bg-slate-400" : (DOT[e.action] ?? "bg-slate-500")}`}
            />
            <p className="text-sm text-slate-900">
              <span className="font-medium">{LABELS[e.action] ?? e.action}</span>
              {e.team && (
                <>
                  {e.action === "team:uninvite" ? " from" : e.action === "team:invite_user" ? " to" : " in"} team {e.team}
                </>
              )}
              {failed && <span className="ml-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">failed ({e.status})</span>}
            </p>
            <p className="text-xs text-slate-600">
              <time dateTime={e.timestamp}>{formatTimestamp(e.timestamp)}</time>
              {e.by && <> · by {e.by}</>} · <code className="text-[11px]">{e.action}</code>
            </p>
          </li>
        );
      })}
    </ol>
  );
}
