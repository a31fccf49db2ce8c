"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PanelResponse } from "@/lib/activity/types";
import { formatShortDate } from "@/components/format";
import { ChartTooltipBody } from "./chart-tooltip";

/** Weekly active users as bars (one per ISO week); renders its props, never fetches. */
export default function WeeklyActiveChart({ weekly, height }: { weekly: PanelResponse["weekly"]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={weekly} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="weekStart" tickFormatter={formatShortDate} minTickGap={16} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
        <YAxis allowDecimals={false} width={48} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={false} />
        <Tooltip cursor={{ fill: "#eef2ff" }} content={({ active, label, payload }) => <ChartTooltipBody active={active} label={label} value={payload[0]?.value} datePrefix="Week of " />} />
        <Bar dataKey="activeUsers" name="Active users" fill="#4f46e5" radius={[3, 3, 0, 0]} maxBarSize={48} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
