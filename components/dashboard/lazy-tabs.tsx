"use client";

import dynamic from "next/dynamic";
import { LoadingBlock } from "@/components/ui/states";
import { parseDashboardParams } from "./dashboard-params";

// Each tab's code loads when the tab is shown: the Users tab never loads the Activity tab's
// cards (nor recharts), the Activity tab never loads the table. The placeholders hold the
// space the tab takes while loading, so nothing below moves when the code arrives.
export const LazyActivityTab = dynamic(() => import("@/components/activity/activity-tab").then((m) => m.ActivityTab), {
  loading: () => <LoadingBlock label="Loading activity…" className="h-[900px] lg:h-[760px]" />,
});

export const LazySeatsTab = dynamic(() => import("@/components/seats/seats-tab").then((m) => m.SeatsTab), {
  loading: () => <LoadingBlock label="Loading seats…" className="h-[760px]" />,
});

const loadUsersTable = () => import("@/components/users/users-table").then((m) => m.UsersTable);

/** Starts loading the table's code (the Users tab calls it on mount, while its data is on the way). */
export function preloadUsersTable(): void {
  void loadUsersTable();
}

// A page opened on the Users tab (the default) asks for the table's code as soon as this module
// runs, before hydration, beside the users the page preloads; the Activity tab never loads it.
if (typeof window !== "undefined" && parseDashboardParams(new URLSearchParams(window.location.search)).tab === "users") preloadUsersTable();

export const LazyUsersTable = dynamic(loadUsersTable, {
  loading: () => <LoadingBlock label="Loading the table…" className="h-full rounded-lg border border-slate-200 bg-white p-4" />,
});
