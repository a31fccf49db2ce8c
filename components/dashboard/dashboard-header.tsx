import { SignOutButton } from "@/components/auth/sign-out-button";
import { headerLinks, RoleGate } from "./header-links";
import { HeaderMenu } from "./header-menu";
import { CurrentOrgFreshness, OrgLink, OrgSwitcher } from "./org-switcher";

const LINK = "rounded-sm text-slate-700 hover:text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

export function DashboardHeader({ username, orgSlug }: { username: string; orgSlug?: string }) {
  const links = headerLinks(orgSlug);
  return (
    <header className="relative border-b border-slate-200 bg-white">
      {/* The first stop of the keyboard: past the header to the page's content (app/(dashboard)/layout.tsx). */}
      <a href="#main-content" className="sr-only rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
        Skip to main content
      </a>
      <div className="mx-auto flex h-14 max-w-[1400px] items-center justify-between gap-4 px-4 sm:px-6 2xl:max-w-[1840px]">
        <div className="flex min-w-0 items-center gap-3">
          <span className="text-base font-semibold tracking-tight">orgtrail</span>
          <OrgSwitcher />
        </div>
        <div className="flex items-center gap-3 text-sm">
          {links.length > 0 && (
            <nav aria-label="Main" className="hidden items-center gap-3 sm:flex">
              {links.map((link) => (
                <RoleGate key={link.href} adminOnly={link.adminOnly}>
                  <OrgLink href={link.href} className={LINK}>
                    {link.label}
                  </OrgLink>
                </RoleGate>
              ))}
            </nav>
          )}
          {/* Shown at every width (once: tests and screen readers find one). */}
          {orgSlug && <CurrentOrgFreshness />}
          <span className="hidden text-slate-700 sm:inline">
            <span className="sr-only">Signed in as </span>
            {username}
          </span>
          <span className="hidden sm:inline-flex">
            <SignOutButton />
          </span>
          {/* Below 640 px the links, the account and Sign out fold into one menu. */}
          <HeaderMenu className="sm:hidden" links={links} username={username} />
        </div>
      </div>
    </header>
  );
}
