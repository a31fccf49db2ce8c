import type { ReactNode } from "react";
import { DashboardHeader } from "@/components/dashboard/dashboard-header";
import { Providers } from "@/components/providers";
import { getPageSession } from "@/lib/web/page-session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getPageSession();
  return (
    <Providers>
      {session.kind !== "signed-out" && <DashboardHeader username={session.username} orgSlug={session.kind === "admin" ? session.orgSlug : undefined} />}
      {/* The header's "Skip to main content" lands here, on every page of the group. */}
      <div id="main-content" tabIndex={-1} className="focus:outline-none">
        {children}
      </div>
    </Providers>
  );
}
