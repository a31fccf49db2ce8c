import type { ReactNode } from "react";
import { RoleProvider } from "@/components/auth/role";
import { DashboardHeader } from "@/components/dashboard/dashboard-header";
import { Providers } from "@/components/providers";
import { getPageSession } from "@/lib/web/page-session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getPageSession();
  const signedIn = session.kind === "admin" || session.kind === "auditor";
  return (
    <Providers>
      <RoleProvider role={signedIn ? session.role : null}>
        {session.kind !== "signed-out" && <DashboardHeader username={session.username} orgSlug={signedIn ? session.orgSlug : undefined} role={signedIn ? session.role : undefined} />}
        {children}
      </RoleProvider>
    </Providers>
  );
}
