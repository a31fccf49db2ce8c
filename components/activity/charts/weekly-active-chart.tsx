"use client";

import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { WeeklyChartPoint } from "@/lib/activity/partial";
import { axisDateFormatter } from "./axis-dates";
import { ChartTooltipBody, pointNote } from "./chart-tooltip";

const COLOR = "#4f46e5";

/**
 * Weekly active users as bars (one per ISO week); a week cut by the range or still under way is
 * hatched and its tooltip says how many of its days count. Renders its props, never fetches.
 */
export default function WeeklyActiveChart({ weekly, from, to, height }: { weekly: WeeklyChartPoint[]; from: string; to: string; height: number }) {
  const hatch = `hatch-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const tick = axisDateFormatter(weekly[0]?.weekStart ?? from, to);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={weekly} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#e0e7ff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke={COLOR} strokeWidth="3" />
          </pattern>
        </defs>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey="weekStart"
          tickFormatter={tick}
          minTickGap={16}
          tick={{ fill: "#475569", fontSize: 12 }}
          tickLine={false}
          axisLine={{ stroke: "#cbd5e1" }}
        />
        <YAxis allowDecimals={false} width={48} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={false} />
        <Tooltip
          cursor={{ fill: "#eef2ff" }}
          content={({ active, label, payload }) => (
            <ChartTooltipBody active={active} label={label} value={payload[0]?.value} datePrefix="Week of " note={pointNote(payload)} />
          )}
        />
        <Bar dataKey="activeUsers" name="Active users" fill={COLOR} radius={[3, 3, 0, 0]} maxBarSize={48} isAnimationActive={false}>
          {weekly.map((w) => (
            <Cell
              key={w.weekStart}
              fill={w.partial ? `url(#${hatch})` : COLOR}
              stroke={w.partial ? COLOR : undefined}
              strokeDasharray={w.partial ? "4 3" : undefined}
              data-partial={w.partial ? "true" : undefined}
            />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
