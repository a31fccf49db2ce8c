import { formatDate, formatNumber } from "@/components/format";

/** Tooltip body shared by the charts: the exact count and the date it belongs to. */
export function ChartTooltipBody({ active, label, value, datePrefix = "" }: { active: boolean; label: unknown; value: unknown; datePrefix?: string }) {
  if (!active || typeof label !== "string" || typeof value !== "number") return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm shadow-md">
      <div className="text-slate-600">
        {datePrefix}
        {formatDate(label)}
      </div>
      <div className="font-semibold text-slate-900">
        {formatNumber(value)} active {value === 1 ? "user" : "users"}
      </div>
    </div>
  );
}
