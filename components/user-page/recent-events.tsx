"use client";

import { formatNumber } from "@/components/format";
import { EVENT_COLUMNS } from "@/components/explorer/event-columns";
import { explorerUrl, indexingMessage, useEventsQuery, type AuditEvent } from "@/components/explorer/use-explorer-queries";
import { EmptyState, ErrorState, LoadingBlock } from "@/components/ui/states";

/** Events shown on the user page; the rest are a link away. */
export const RECENT_EVENTS = 20;

const COLUMNS = EVENT_COLUMNS.filter((c) => c.id !== "actor");

/** The events as a plain table (a handful: no virtualization). Renders props. */
export function RecentEventsTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table aria-label="Recent events" className="w-full min-w-[760px] table-fixed border-separate border-spacing-0 text-sm">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.id}
                scope="col"
                style={{ width: c.size }}
                className="h-9 border-b border-slate-200 bg-slate-50 px-3 text-left text-[13px] font-semibold text-slate-700"
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={i} className="h-9">
              {COLUMNS.map((c) => (
                <td key={c.id} className={`truncate border-b border-slate-100 px-3 text-slate-800 ${c.className ?? ""}`}>
                  {c.cell(e)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The user's latest events: the explorer's query `actor:…` (up to asOf when the page has one). */
export function RecentEvents({ org, q }: { org: string; q: string }) {
  const events = useEventsQuery(org, q, RECENT_EVENTS);
  const page = events.data?.pages[0];
  let body;
  if (events.isPending) body = <LoadingBlock label={indexingMessage(events.failureReason) ?? "Loading recent events…"} className="h-40" />;
  else if (events.isError) body = <ErrorState what="the recent events" error={events.error} onRetry={() => void events.refetch()} className="h-40" />;
  else if (!page || page.events.length === 0) body = <EmptyState className="h-24">No events by this user</EmptyState>;
  else body = <RecentEventsTable events={page.events} />;
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm text-slate-600" data-testid="recent-events-total">
          {page &&
            (page.total <= RECENT_EVENTS
              ? `${formatNumber(page.total)} ${page.total === 1 ? "event" : "events"}`
              : `The latest ${RECENT_EVENTS} of ${formatNumber(page.total)} events`)}
          {page && (
            <>
              {" "}
              for <code className="text-xs">{q}</code>
            </>
          )}
        </p>
        <a
          href={explorerUrl(org, q)}
          className="rounded-sm text-sm font-medium text-indigo-800 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          Open in the audit log
        </a>
      </div>
      {body}
    </div>
  );
}
