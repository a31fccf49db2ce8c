"use client";

import { useState, type ReactNode } from "react";
import { InviteUserLink } from "@/components/dashboard/invite-user-link";
import { Menu } from "@/components/ui/menu";
import { formatNumber } from "@/components/format";
import { useCanWrite } from "@/components/auth/role";

function DotsIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
      <circle cx="4" cy="10" r="1.6" />
      <circle cx="10" cy="10" r="1.6" />
      <circle cx="16" cy="10" r="1.6" />
    </svg>
  );
}

/** The two exports: the users shown (filter and sort as on screen) and all of them. */
export interface UsersExports {
  shown: number;
  total: number;
  shownCsv: () => Promise<void>;
  allCsv: () => Promise<void>;
}

/** Search box, "Invite new user" (a link to the platform, when known; not multi-tenant), the column chooser (`extra`) and the actions menu. */
export function UsersToolbar({
  query,
  onQueryChange,
  exports,
  multiTenant,
  noun,
  extra,
}: {
  query: string;
  onQueryChange: (q: string) => void;
  exports: UsersExports | null;
  multiTenant: boolean;
  noun: string;
  extra?: ReactNode;
}) {
  const canWrite = useCanWrite();
  const [exportState, setExportState] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "error"; message: string }>({ kind: "idle" });

  async function exportCsv(run: () => Promise<void>) {
    setExportState({ kind: "busy" });
    try {
      await run();
      setExportState({ kind: "idle" });
    } catch (error) {
      setExportState({ kind: "error", message: error instanceof Error ? error.message : "export failed" });
    }
  }
  const busy = !exports || exportState.kind === "busy";
  const plural = noun.toLowerCase();

  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
      <div className="flex w-full items-center gap-2 sm:w-auto">
        <label htmlFor="user-search" className="sr-only">
          Search {noun.toLowerCase()}
        </label>
        <input
          id="user-search"
          type="search"
          value={query}
          onChange={(e) => onQueryChange(e.target.value)}
          placeholder="Search by name, username, email or team"
          autoComplete="off"
          className="h-8 w-full rounded-md sm:w-80 border border-slate-300 bg-white px-3 text-sm placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600"
        />
      </div>
      <div className="flex items-center gap-2">
        <p aria-live="polite" className="text-sm">
          {exportState.kind === "busy" && <span className="text-slate-600">Preparing CSV…</span>}
          {exportState.kind === "error" && <span className="text-red-800">Export failed: {exportState.message}</span>}
        </p>
        {/* Inviting changes the organization: not an auditor's control. */}
        {!multiTenant && canWrite && <InviteUserLink />}
        {extra}
        <Menu
          label="Actions"
          buttonContent={<DotsIcon />}
          items={[
            {
              label: `Export as CSV: the ${formatNumber(exports?.shown ?? 0)} shown`,
              onSelect: () => exports && void exportCsv(exports.shownCsv),
              disabled: busy,
            },
            {
              label: `Export as CSV: all ${formatNumber(exports?.total ?? 0)} ${plural}`,
              onSelect: () => exports && void exportCsv(exports.allCsv),
              disabled: busy,
            },
          ]}
        />
      </div>
    </div>
  );
}
