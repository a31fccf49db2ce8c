"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ActivityResponse } from "@/lib/activity/types";
import { formatShortDate } from "@/components/format";
import { ChartTooltipBody } from "./chart-tooltip";

/** Daily active users as a line; renders its props, never fetches. */
export default function UsersOverTimeChart({ series, height }: { series: ActivityResponse["series"]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="date" tickFormatter={formatShortDate} minTickGap={32} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
        <YAxis allowDecimals={false} width={48} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={false} />
        <Tooltip content={({ active, label, payload }) => <ChartTooltipBody active={active} label={label} value={payload[0]?.value} />} />
        <Line type="monotone" dataKey="activeUsers" name="Active users" stroke="#4338ca" strokeWidth={2} dot={false} activeDot={{ r: 4 }} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
