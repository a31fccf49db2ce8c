"use client";

import { createContext, useContext, type ReactNode } from "react";
import { useOrgSlug } from "@/components/dashboard/org-context";

/** The signed-in account's role in an organization it may view. */
export type PageRole = "admin" | "auditor";

/** The account's role in each organization it may view (set by the dashboard layout). */
const RoleContext = createContext<Readonly<Record<string, PageRole>>>({});

export function RoleProvider({ roles, children }: { roles: Readonly<Record<string, PageRole>>; children: ReactNode }) {
  return <RoleContext.Provider value={roles}>{children}</RoleContext.Provider>;
}

/** The role in the organization on screen (`?org=`, else the landing one), or null. */
export function useRole(): PageRole | null {
  const roles = useContext(RoleContext);
  const org = useOrgSlug();
  return (org !== undefined && Object.hasOwn(roles, org) ? roles[org] : undefined) ?? null;
}

/**
 * Whether to show controls that change something (upload, import, settings, write buttons):
 * admins of the organization on screen only. An auditor reads everything and changes nothing;
 * the API refuses it anyway, this only keeps controls it cannot use off its screen. False
 * outside a RoleProvider.
 */
export function useCanWrite(): boolean {
  return useRole() === "admin";
}

/** Renders its children for admins of the organization on screen only (e.g. the Settings link). */
export function AdminOnly({ children }: { children: ReactNode }) {
  return useCanWrite() ? <>{children}</> : null;
}
