import type { PanelResponse } from "@/lib/activity/types";
import { formatDate, formatNumber, formatTimestamp } from "@/components/format";
import { UserPageLink } from "@/components/user-page/user-page-link";

/** Top-10 most active users of the range; renders props only. */
export function MostActiveList({ users }: { users: PanelResponse["mostActive"] }) {
  return (
    <table className="w-full table-fixed text-sm">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
          <th scope="col" className="w-8 pb-2 font-semibold">
            <span className="sr-only">Rank</span>#
          </th>
          <th scope="col" className="pb-2 font-semibold">
            User
          </th>
          <th scope="col" className="w-24 pb-2 text-right font-semibold">
            Active days
          </th>
          <th scope="col" className="w-32 pb-2 pl-4 font-semibold">
            Last active
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((u, i) => (
          <tr key={`${u.username ?? ""}|${u.email ?? ""}|${i}`} className="h-7 border-b border-slate-100 last:border-0">
            <td className="tabular-nums text-slate-600">{i + 1}</td>
            <td className="truncate text-slate-900">
              <UserPageLink id={u.id}>{u.username ?? u.email ?? "unknown user"}</UserPageLink>
            </td>
            <td className="text-right tabular-nums">{formatNumber(u.activeDays)}</td>
            <td className="truncate pl-4 text-slate-700">
              {u.lastActive ? (
                <time dateTime={u.lastActive} title={formatTimestamp(u.lastActive)}>
                  {formatDate(u.lastActive)}
                </time>
              ) : (
                "-"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
