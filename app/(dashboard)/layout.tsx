import type { ReactNode } from "react";
import { RoleProvider } from "@/components/auth/role";
import { DashboardContextProvider } from "@/components/dashboard/dashboard-context";
import { DashboardHeader } from "@/components/dashboard/dashboard-header";
import { Providers } from "@/components/providers";
import { env } from "@/lib/env";
import { platformInviteUrl } from "@/lib/sources/platform-links";
import { getPageSession } from "@/lib/web/page-session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getPageSession();
  const e = env();
  // Admins and auditors (read-only) see the pages; controls that change something follow the role.
  const signedIn = session.kind === "admin" || session.kind === "auditor";
  const orgSlug = signedIn ? session.orgSlug : null;
  const inviteUrl = orgSlug ? platformInviteUrl(e.ORGTRAIL_UPSTREAM_URL, e.ORGTRAIL_UPSTREAM_ORG, orgSlug, e.ORGTRAIL_DEPLOYMENT) : null;
  return (
    <Providers>
      <DashboardContextProvider value={{ orgSlug, inviteUrl }}>
        <RoleProvider role={signedIn ? session.role : null}>
          {session.kind !== "signed-out" && <DashboardHeader username={session.username} orgSlug={orgSlug ?? undefined} role={signedIn ? session.role : undefined} />}
          {children}
        </RoleProvider>
      </DashboardContextProvider>
    </Providers>
  );
}
