"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/states";

// recharts is loaded only when a chart is on screen: the Users tab never pays for it.
const placeholder = () => <Skeleton className="h-full w-full" />;

export const LazyUsersOverTimeChart = dynamic(() => import("./users-over-time-chart"), { ssr: false, loading: placeholder });
export const LazyWeeklyActiveChart = dynamic(() => import("./weekly-active-chart"), { ssr: false, loading: placeholder });
