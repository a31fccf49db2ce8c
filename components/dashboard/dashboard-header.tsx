import { SignOutButton } from "@/components/auth/sign-out-button";
import { FreshnessIndicator } from "@/components/data/freshness-indicator";

export function DashboardHeader({ username, orgSlug }: { username: string; orgSlug?: string }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-[1400px] items-center justify-between gap-4 px-6">
        <div className="flex items-center gap-3">
          <span className="text-base font-semibold tracking-tight">orgtrail</span>
          {orgSlug && (
            <span className="rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700">
              <span className="sr-only">Organization: </span>
              {orgSlug}
            </span>
          )}
        </div>
        <div className="flex items-center gap-3 text-sm">
          {orgSlug && (
            <nav aria-label="Main" className="flex items-center gap-3">
              <a href="/org/dashboard" className="text-slate-700 hover:text-slate-900 hover:underline">
                Dashboard
              </a>
              <a href="/org/data" className="text-slate-700 hover:text-slate-900 hover:underline">
                Data
              </a>
              <a href="/org/audit-logs" className="text-slate-700 hover:text-slate-900 hover:underline">
                Audit logs
              </a>
              <a href="/org/settings" className="text-slate-700 hover:text-slate-900 hover:underline">
                Settings
              </a>
            </nav>
          )}
          {orgSlug && <FreshnessIndicator orgSlug={orgSlug} />}
          <span className="text-slate-700">
            <span className="sr-only">Signed in as </span>
            {username}
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
