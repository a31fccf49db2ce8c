"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DailyChartPoint } from "@/lib/activity/partial";
import { axisDateFormatter } from "./axis-dates";
import { ChartTooltipBody, pointNote } from "./chart-tooltip";

const COLOR = "#4338ca";

/** A hollow dot on the unfinished day(s) only. */
function UnfinishedDot(props: { cx?: number; cy?: number; payload?: DailyChartPoint; index?: number }) {
  const { cx, cy, payload, index } = props;
  if (cx === undefined || cy === undefined || !payload?.note) return <g key={`dot-${index}`} />;
  return <circle key={`dot-${index}`} cx={cx} cy={cy} r={3.5} fill="#fff" stroke={COLOR} strokeWidth={2} data-partial="true" />;
}

/**
 * Daily active users: a solid line over finished days, a dashed one (and a hollow dot) for
 * today, which is not over. Renders its props, never fetches.
 */
export default function UsersOverTimeChart({ points, height }: { points: DailyChartPoint[]; height: number }) {
  const tick = axisDateFormatter(points[0]?.date, points.at(-1)?.date);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="date" tickFormatter={tick} minTickGap={32} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
        <YAxis allowDecimals={false} width={48} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={false} />
        <Tooltip
          content={({ active, label, payload }) => (
            <ChartTooltipBody
              active={active}
              label={label}
              value={(payload[0]?.payload as DailyChartPoint | undefined)?.activeUsers}
              note={pointNote(payload)}
            />
          )}
        />
        <Line
          type="monotone"
          dataKey="complete"
          name="Active users"
          stroke={COLOR}
          strokeWidth={2}
          dot={false}
          activeDot={{ r: 4 }}
          isAnimationActive={false}
          connectNulls={false}
        />
        <Line
          type="monotone"
          dataKey="unfinished"
          name="Active users so far (day not over)"
          stroke={COLOR}
          strokeWidth={2}
          strokeDasharray="5 4"
          dot={UnfinishedDot}
          activeDot={{ r: 4 }}
          isAnimationActive={false}
          connectNulls={false}
          className="partial-line"
        />
      </LineChart>
    </ResponsiveContainer>
  );
}
