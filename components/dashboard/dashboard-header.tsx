import { SignOutButton } from "@/components/auth/sign-out-button";
import { headerLinks, RoleGate } from "./header-links";
import { HeaderMenu } from "./header-menu";
import { CurrentOrgFreshness, OrgLink, OrgSwitcher } from "./org-switcher";

const LINK =
  "rounded-sm text-slate-700 hover:text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

export function DashboardHeader({ username, orgSlug }: { username: string; orgSlug?: string }) {
  const links = headerLinks(orgSlug);
  return (
    <header className="relative border-b border-slate-200 bg-white">
      {/* The first stop of the keyboard: past the header to the page's content (app/(dashboard)/layout.tsx). */}
      <a
        href="#main-content"
        className="sr-only rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Skip to main content
      </a>
      {/*
        From 640 px one row: the brand and the organization on the left, the rest on the right.
        Below, the two groups dissolve (display: contents) and their items wrap into two rows:
        the brand and the Menu button, then the organization and the last-event badge, so the
        organization's drop-down is never drawn under the badge.
      */}
      <div className="mx-auto flex min-h-14 max-w-[1400px] flex-wrap items-center gap-x-3 gap-y-2 px-4 py-2 sm:h-14 sm:flex-nowrap sm:justify-between sm:gap-4 sm:px-6 sm:py-0 2xl:max-w-[1840px]">
        <div className="contents sm:flex sm:min-w-0 sm:items-center sm:gap-3">
          <span className="order-1 text-base font-semibold tracking-tight sm:order-none">orgtrail</span>
          <div className="order-3 flex min-w-0 flex-1 sm:order-none sm:flex-initial">
            <OrgSwitcher />
          </div>
        </div>
        <div className="contents text-sm sm:flex sm:items-center sm:gap-3">
          {links.length > 0 && (
            <nav aria-label="Main" className="hidden items-center gap-3 lg:flex">
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
          {orgSlug && (
            <div className="order-4 shrink-0 text-sm sm:order-none">
              <CurrentOrgFreshness />
            </div>
          )}
          <span className="hidden text-slate-700 lg:inline">
            <span className="sr-only">Signed in as </span>
            {username}
          </span>
          <span className="hidden lg:inline-flex">
            <SignOutButton />
          </span>
          {/* Below 1024 px the links, the account and Sign out fold into one menu (the bar needs ~950 px with the organization drop-down). */}
          <HeaderMenu className="order-2 ml-auto sm:order-none sm:ml-0 lg:hidden" links={links} username={username} />
        </div>
        {/* Below 640 px: the end of the first row. */}
        <div aria-hidden="true" className="order-2 h-0 basis-full sm:hidden" />
      </div>
    </header>
  );
}
