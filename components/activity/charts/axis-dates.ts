import { crossesYear } from "@/lib/activity/partial";
import { parseDate } from "@/lib/audit/timestamp";
import { formatDate, formatShortDate } from "@/components/format";

/** Axis labels: "Mar 31", or "Mar 31, 2026" when the range crosses a year (else "Dec 9 … Dec 9" repeats). */
export function axisDateFormatter(from: string | undefined, to: string | undefined): (day: string) => string {
  const a = from ? parseDate(from) : null;
  const b = to ? parseDate(to) : null;
  return a !== null && b !== null && crossesYear(a, b) ? formatDate : formatShortDate;
}
