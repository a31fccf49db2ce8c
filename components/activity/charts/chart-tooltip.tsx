import { formatDate, formatNumber } from "@/components/format";

/** Tooltip body shared by the charts: the exact count, the date it belongs to, and whether the point is partial. */
export function ChartTooltipBody({
  active,
  label,
  value,
  datePrefix = "",
  note,
}: {
  active: boolean;
  label: unknown;
  value: unknown;
  datePrefix?: string;
  note?: string | null;
}) {
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
      {note && <div className="mt-0.5 text-amber-800">{note}</div>}
    </div>
  );
}

/** The note a point carries (see lib/activity/partial.ts), read from recharts' payload. */
export function pointNote(payload: readonly { payload?: unknown }[] | undefined): string | null {
  const point = payload?.[0]?.payload as { note?: unknown } | undefined;
  return typeof point?.note === "string" ? point.note : null;
}
