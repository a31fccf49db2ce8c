import type { ReactNode } from "react";
import { AdminOnly } from "@/components/auth/role";

export interface HeaderLink {
  href: string;
  label: string;
  /** Pages that change things (Settings): shown to admins of the organization on screen only. */
  adminOnly?: boolean;
}

/** The header's page links, in order: add a page here and it shows in the bar and in the small-screen menu. */
export function headerLinks(orgSlug?: string): HeaderLink[] {
  if (!orgSlug) return [];
  return [
    { href: "/org/dashboard", label: "Dashboard" },
    { href: "/org/data", label: "Data" },
    { href: "/org/audit-logs", label: "Audit log" },
    { href: "/org/settings", label: "Settings", adminOnly: true },
  ];
}

/** A header link as its role allows: admin-only links inside AdminOnly. */
export function RoleGate({ adminOnly, children }: { adminOnly?: boolean; children: ReactNode }) {
  return adminOnly ? <AdminOnly>{children}</AdminOnly> : <>{children}</>;
}
