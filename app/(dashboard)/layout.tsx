import type { ReactNode } from "react";
import { DashboardContextProvider } from "@/components/dashboard/dashboard-context";
import { DashboardHeader } from "@/components/dashboard/dashboard-header";
import { Providers } from "@/components/providers";
import { env } from "@/lib/env";
import { platformInviteUrl } from "@/lib/sources/platform-links";
import { getPageSession } from "@/lib/web/page-session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getPageSession();
  const e = env();
  const orgSlug = session.kind === "admin" ? session.orgSlug : null;
  const inviteUrl = orgSlug ? platformInviteUrl(e.ORGTRAIL_UPSTREAM_URL, e.ORGTRAIL_UPSTREAM_ORG, orgSlug, e.ORGTRAIL_DEPLOYMENT) : null;
  return (
    <Providers>
      <DashboardContextProvider value={{ orgSlug, inviteUrl }}>
        {session.kind !== "signed-out" && <DashboardHeader username={session.username} orgSlug={session.kind === "admin" ? session.orgSlug : undefined} />}
        {/* The header's "Skip to main content" lands here, on every page of the group. */}
        <div id="main-content" tabIndex={-1} className="focus:outline-none">
          {children}
        </div>
      </DashboardContextProvider>
    </Providers>
  );
}
