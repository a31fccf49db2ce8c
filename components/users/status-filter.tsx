"use client";

import { useState } from "react";
import { STATUS_FILTER_LABELS, STATUS_FILTERS, type StatusFilter } from "@/lib/activity/status";
import { formatNumber } from "@/components/format";

/**
 * All / Active / Inactive / Invite pending / Deactivated, each with how many users (matching the
 * search) it shows. Native radio buttons: one tab stop, arrow keys choose.
 */
export function StatusFilterBar({
  value,
  counts,
  onChange,
  multiTenant,
}: {
  value: StatusFilter;
  counts: Record<StatusFilter, number> | null;
  onChange: (s: StatusFilter) => void;
  multiTenant: boolean;
}) {
  // The URL catches up a render later: show the choice at once (no flicker back).
  const [chosen, setChosen] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setChosen(value);
  }
  // Multi-tenant mode has no "Invite pending" (a user never active there is "-").
  const filters = multiTenant ? STATUS_FILTERS.filter((s) => s !== "invite_pending" || value === s) : STATUS_FILTERS;
  return (
    <fieldset className="mb-3 flex flex-wrap items-center gap-1.5">
      <legend className="sr-only">Status</legend>
      {filters.map((status) => (
        <label key={status} className="relative cursor-pointer">
          <input
            type="radio"
            name="user-status"
            value={status}
            checked={chosen === status}
            onChange={() => {
              setChosen(status);
              onChange(status);
            }}
            className="peer absolute inset-0 cursor-pointer opacity-0"
          />
          <span className="inline-flex h-8 items-center gap-1.5 rounded-full border border-slate-300 bg-white px-3 text-sm text-slate-700 peer-checked:border-indigo-700 peer-checked:bg-indigo-50 peer-checked:text-indigo-900 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 hover:bg-slate-50">
            {STATUS_FILTER_LABELS[status]}
            <span className="min-w-5 rounded-full bg-slate-100 px-1.5 text-center text-xs tabular-nums text-slate-700" data-testid={`status-count-${status}`}>
              {counts ? formatNumber(counts[status]) : "…"}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
