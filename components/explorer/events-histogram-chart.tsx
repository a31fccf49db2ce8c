"use client";

import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDate, formatNumber, formatShortDate } from "@/components/format";

interface Day {
  date: string;
  count: number;
}

function DayTooltip({ active, label, value }: { active?: boolean; label?: unknown; value?: unknown }) {
  if (!active || typeof label !== "string" || typeof value !== "number") return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm shadow-md">
      <div className="text-slate-600">{formatDate(label)}</div>
      <div className="font-semibold text-slate-900">
        {formatNumber(value)} {value === 1 ? "event" : "events"}
      </div>
    </div>
  );
}

/**
 * Matches per day as bars; dragging across days (or clicking one) calls `onRange` with the
 * first and last day selected. Renders its props, never fetches.
 */
export default function EventsHistogramChart({ days, height, onRange }: { days: Day[]; height: number; onRange: (from: string, to: string) => void }) {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(null);
  const finish = () => {
    if (start !== null) {
      const to = end ?? start;
      onRange(start < to ? start : to, start < to ? to : start);
    }
    setStart(null);
    setEnd(null);
  };
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart
        data={days}
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        onMouseDown={(s) => typeof s?.activeLabel === "string" && setStart(s.activeLabel)}
        onMouseMove={(s) => start !== null && typeof s?.activeLabel === "string" && setEnd(s.activeLabel)}
        onMouseUp={finish}
        onMouseLeave={() => {
          setStart(null);
          setEnd(null);
        }}
        style={{ cursor: "crosshair", userSelect: "none" }}
      >
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="date" tickFormatter={formatShortDate} minTickGap={32} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} />
        <YAxis allowDecimals={false} width={56} tick={{ fill: "#475569", fontSize: 12 }} tickLine={false} axisLine={false} />
        <Tooltip content={({ active, label, payload }) => <DayTooltip active={active} label={label} value={payload?.[0]?.value} />} />
        <Bar dataKey="count" name="Events" fill="#4338ca" isAnimationActive={false} />
        {start !== null && end !== null && <ReferenceArea x1={start} x2={end} fill="#6366f1" fillOpacity={0.2} />}
      </BarChart>
    </ResponsiveContainer>
  );
}
