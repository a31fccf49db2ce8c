import { AdminOnly } from "@/components/auth/role";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { CurrentOrgFreshness, OrgLink, OrgSwitcher } from "./org-switcher";

export function DashboardHeader({ username, orgSlug }: { username: string; orgSlug?: string }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-[1400px] items-center justify-between gap-4 px-6">
        <div className="flex items-center gap-3">
          <span className="text-base font-semibold tracking-tight">orgtrail</span>
          <OrgSwitcher />
        </div>
        <div className="flex items-center gap-3 text-sm">
          {orgSlug && (
            <nav aria-label="Main" className="flex items-center gap-3">
              <OrgLink href="/org/dashboard" className="text-slate-700 hover:text-slate-900 hover:underline">
                Dashboard
              </OrgLink>
              <OrgLink href="/org/data" className="text-slate-700 hover:text-slate-900 hover:underline">
                Data
              </OrgLink>
              <OrgLink href="/org/audit-logs" className="text-slate-700 hover:text-slate-900 hover:underline">
                Audit log
              </OrgLink>
              {/* Settings change things: admins of the organization shown only. */}
              <AdminOnly>
                <OrgLink href="/org/settings" className="text-slate-700 hover:text-slate-900 hover:underline">
                  Settings
                </OrgLink>
              </AdminOnly>
            </nav>
          )}
          {orgSlug && <CurrentOrgFreshness />}
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
