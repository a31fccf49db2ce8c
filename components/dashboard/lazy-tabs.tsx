"use client";

import dynamic from "next/dynamic";
import { LoadingBlock } from "@/components/ui/states";

// Each tab's code loads when the tab is shown: the Users tab never loads the Activity tab's
// cards (nor recharts), the Activity tab never loads the table. The placeholders hold the
// space the tab takes while loading, so nothing below moves when the code arrives.
export const LazyActivityTab = dynamic(() => import("@/components/activity/activity-tab").then((m) => m.ActivityTab), {
  loading: () => <LoadingBlock label="Loading activity…" className="h-[900px] lg:h-[760px]" />,
});

export const LazyUsersTable = dynamic(() => import("@/components/users/users-table").then((m) => m.UsersTable), {
  loading: () => <LoadingBlock label="Loading the table…" className="h-full rounded-lg border border-slate-200 bg-white p-4" />,
});
