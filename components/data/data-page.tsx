"use client";

import { FreshnessCard } from "./freshness-card";
import { IntegrityCard } from "./integrity-card";
import { RecentUploads } from "./recent-uploads";
import { SourcesGrid } from "./sources-grid";
import { UploadCard } from "./upload-card";

/**
 * The Data page: how fresh the organization's data is, where it comes from (each source's last
 * run, lag, errors and rejected lines), uploads from the browser, and the log's integrity.
 * Admins upload and verify; auditors see the same without those controls.
 */
export function DataPage({ orgSlug, role }: { orgSlug: string; role: "admin" | "auditor" }) {
  const admin = role === "admin";
  return (
    <main id="main" className="mx-auto max-w-[1400px] px-4 pb-10 pt-6 sm:px-6 2xl:max-w-[1760px]">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Data</h1>
        <p className="text-sm text-slate-600">
          {orgSlug}
          {!admin && <> · read-only ({role})</>}
        </p>
      </div>
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2 2xl:grid-cols-3">
        <FreshnessCard org={orgSlug} />
        <IntegrityCard org={orgSlug} canVerify={admin} />
        <div className="lg:col-span-2 2xl:col-span-1">
          <UploadCard org={orgSlug} canUpload={admin} />
        </div>
      </div>
      <div className="mt-5 space-y-5">
        <SourcesGrid org={orgSlug} />
        <RecentUploads org={orgSlug} />
      </div>
    </main>
  );
}
