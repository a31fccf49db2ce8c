import type { ReactNode } from "react";
import { RoleProvider } from "@/components/auth/role";
import { DashboardContextProvider } from "@/components/dashboard/dashboard-context";
import { DashboardHeader } from "@/components/dashboard/dashboard-header";
import { DemoBanner } from "@/components/dashboard/demo-banner";
import { OrgProvider } from "@/components/dashboard/org-context";
import { Providers } from "@/components/providers";
import { env } from "@/lib/env";
import { platformInviteUrl } from "@/lib/sources/platform-links";
import { getAccountOrgs, getPageSession } from "@/lib/web/page-session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getPageSession();
  const e = env();
  // Admins and auditors (read-only) see the pages; controls that change something follow the role.
  const signedIn = session.kind === "admin" || session.kind === "auditor";
  const orgSlug = signedIn ? session.orgSlug : null;
  const inviteUrl = orgSlug ? platformInviteUrl(e.ORGTRAIL_UPSTREAM_URL, e.ORGTRAIL_UPSTREAM_ORG, orgSlug, e.ORGTRAIL_DEPLOYMENT) : null;
  // The organizations for the header's switcher; the page itself reads `?org=` (a layout cannot).
  const { orgs, landing } = await getAccountOrgs();
  const listed = orgs.filter((o) => o.role !== "member").map((o) => ({ slug: o.slug, demo: o.demo }));
  return (
    <Providers>
      <DashboardContextProvider value={{ orgSlug, inviteUrl }}>
        <OrgProvider landing={landing} orgs={listed}>
          <RoleProvider
            roles={Object.fromEntries(orgs.filter((o) => o.role === "admin" || o.role === "auditor").map((o) => [o.slug, o.role as "admin" | "auditor"]))}
          >
            {session.kind !== "signed-out" && <DashboardHeader username={session.username} orgSlug={orgSlug ?? undefined} />}
            {session.kind !== "signed-out" && <DemoBanner />}
            {/* The header's "Skip to main content" lands here, on every page of the group. */}
            <div id="main-content" tabIndex={-1} className="focus:outline-none">
              {children}
            </div>
          </RoleProvider>
        </OrgProvider>
      </DashboardContextProvider>
    </Providers>
  );
}
