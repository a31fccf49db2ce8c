"use client";

import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDate, formatNumber } from "@/components/format";

const monthFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", year: "numeric" });
const dayFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });
const tickText = (long: boolean) => (day: string) => (long ? monthFormat : dayFormat).format(new Date(`${day}T00:00:00Z`));

function TooltipBody({ active, label, value }: { active: boolean; label: unknown; value: unknown }) {
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
 * Matches per UTC day as bars. Dragging across days (or clicking one) hands the range to
 * `onRange`, which sets the query's `created:`. Renders its props, never fetches.
 */
export default function EventsHistogramChart({
  days,
  height,
  onRange,
}: {
  days: { date: string; count: number }[];
  height: number;
  onRange: (from: string, to: string) => void;
}) {
  const [drag, setDrag] = useState<{ from: string; to: string } | null>(null);
  const long = days.length > 120;
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart
        data={days}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        barCategoryGap={days.length > 60 ? 0 : "15%"}
        onMouseDown={(s) => {
          if (typeof s.activeLabel === "string") setDrag({ from: s.activeLabel, to: s.activeLabel });
        }}
        onMouseMove={(s) => {
          if (drag && typeof s.activeLabel === "string" && s.activeLabel !== drag.to) setDrag({ from: drag.from, to: s.activeLabel });
        }}
        onMouseUp={() => {
          if (!drag) return;
          setDrag(null);
          onRange(drag.from, drag.to);
        }}
        onMouseLeave={() => setDrag(null)}
        style={{ cursor: "crosshair", userSelect: "none" }}
      >
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey="date"
          tickFormatter={tickText(long)}
          minTickGap={40}
          tick={{ fill: "#475569", fontSize: 12 }}
          tickLine={false}
          axisLine={{ stroke: "#cbd5e1" }}
        />
        <YAxis
          allowDecimals={false}
          width={52}
          tick={{ fill: "#475569", fontSize: 12 }}
          tickLine={false}
          axisLine={false}
          tickFormatter={(n: number) => formatNumber(n)}
        />
        <Tooltip
          cursor={{ fill: "#e0e7ff" }}
          isAnimationActive={false}
          content={({ active, label, payload }) => <TooltipBody active={active} label={label} value={payload[0]?.value} />}
        />
        <Bar dataKey="count" name="Events" fill="#4338ca" isAnimationActive={false} />
        {drag && <ReferenceArea x1={drag.from} x2={drag.to} fill="#6366f1" fillOpacity={0.25} ifOverflow="extendDomain" />}
      </BarChart>
    </ResponsiveContainer>
  );
}
