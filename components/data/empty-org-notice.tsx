"use client";

import { useDashboardContext } from "@/components/dashboard/dashboard-context";
import { CopyCommand } from "./copy-command";

export function dataPageHref(orgSlug: string | null): string {
  return orgSlug ? `/org/data?org=${encodeURIComponent(orgSlug)}` : "/org/data";
}

/** CLI commands for this organization (run on the server, where the store is). */
export function cliCommands(orgSlug: string | null) {
  const org = orgSlug ? ` --org ${orgSlug}` : "";
  return {
    ingest: `npx orgtrail ingest audit-log.ndjson.gz${org}`,
    importUsers: `npx orgtrail import-users users.csv${org}`,
  };
}

/**
 * What an empty organization's Users and Activity tabs show instead of a dead end: the Data page
 * (uploads in the browser) and the CLI commands to copy.
 */
export function EmptyOrgNotice({ what, className = "" }: { what: "users" | "activity"; className?: string }) {
  const { orgSlug } = useDashboardContext();
  const commands = cliCommands(orgSlug);
  return (
    <section aria-label="Getting data in" className={`flex flex-col justify-center gap-3 rounded-md border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700 ${className}`}>
      <p className="text-base font-medium text-slate-900">{what === "users" ? "No users yet — ingest audit logs or import users" : "No activity yet — this organization has no audit events"}</p>
      <p>
        Upload an audit log (NDJSON, or .gz) or a users file (CSV or SCIM JSON) on the{" "}
        <a href={dataPageHref(orgSlug)} className="font-medium text-indigo-700 underline hover:text-indigo-900">
          Data page
        </a>
        , or run on the server, in the orgtrail folder:
      </p>
      <div className="flex max-w-3xl flex-col gap-2">
        <CopyCommand command={commands.ingest} label="ingest an audit log" />
        <CopyCommand command={commands.importUsers} label="import users" />
      </div>
      <p className="text-xs text-slate-600">
        To pull from the platform continuously, set ORGTRAIL_UPSTREAM_URL (see the README).
      </p>
    </section>
  );
}
