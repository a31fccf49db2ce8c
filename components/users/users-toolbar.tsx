"use client";

import { useState } from "react";
import { InviteUserLink } from "@/components/dashboard/invite-user-link";
import { Menu } from "@/components/ui/menu";
import { useCanWrite } from "@/components/auth/role";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { downloadUsersCsv } from "./download-users-csv";

function DotsIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
      <circle cx="4" cy="10" r="1.6" />
      <circle cx="10" cy="10" r="1.6" />
      <circle cx="16" cy="10" r="1.6" />
    </svg>
  );
}

/** Search box, "Invite new user" (a link to the platform, when known; not multi-tenant) and the actions menu. */
export function UsersToolbar({ query, onQueryChange, asOf, multiTenant, noun }: { query: string; onQueryChange: (q: string) => void; asOf: string | undefined; multiTenant: boolean; noun: string }) {
  const canWrite = useCanWrite();
  const [exportState, setExportState] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "error"; message: string }>({ kind: "idle" });
  const org = useOrgSlug();

  async function exportCsv() {
    if (!asOf) return;
    setExportState({ kind: "busy" });
    try {
      await downloadUsersCsv(asOf, org);
      setExportState({ kind: "idle" });
    } catch (error) {
      setExportState({ kind: "error", message: error instanceof Error ? error.message : "export failed" });
    }
  }

  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
      <div className="flex items-center gap-2">
        <label htmlFor="user-search" className="sr-only">
          Search {noun.toLowerCase()}
        </label>
        <input
          id="user-search"
          type="search"
          value={query}
          onChange={(e) => onQueryChange(e.target.value)}
          placeholder="Search by name, username or email"
          autoComplete="off"
          className="h-8 w-80 rounded-md border border-slate-300 bg-white px-3 text-sm placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600"
        />
      </div>
      <div className="flex items-center gap-2">
        <p aria-live="polite" className="text-sm">
          {exportState.kind === "busy" && <span className="text-slate-600">Preparing CSV…</span>}
          {exportState.kind === "error" && <span className="text-red-800">Export failed: {exportState.message}</span>}
        </p>
        {/* Inviting changes the organization: not an auditor's control. */}
        {!multiTenant && canWrite && <InviteUserLink />}
        <Menu label="Actions" buttonContent={<DotsIcon />} items={[{ label: "Export as CSV", onSelect: () => void exportCsv(), disabled: !asOf || exportState.kind === "busy" }]} />
      </div>
    </div>
  );
}
