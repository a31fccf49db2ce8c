"use client";

import { createContext, useContext, type ReactNode } from "react";

/** The signed-in account's role in the organization on screen (set by the dashboard layout). */
export type PageRole = "admin" | "auditor";

const RoleContext = createContext<PageRole | null>(null);

export function RoleProvider({ role, children }: { role: PageRole | null; children: ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

export function useRole(): PageRole | null {
  return useContext(RoleContext);
}

/**
 * Whether to show controls that change something (upload, import, settings, write buttons):
 * admins only. An auditor reads everything and changes nothing; the API refuses it anyway,
 * this only keeps controls it cannot use off its screen. False outside a RoleProvider.
 */
export function useCanWrite(): boolean {
  return useContext(RoleContext) === "admin";
}
