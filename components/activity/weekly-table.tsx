import type { WeeklyChartPoint } from "@/lib/activity/partial";
import { formatDate, formatNumber } from "@/components/format";

/** The weekly bars as a table for screen readers (the chart itself is only drawn). */
export function WeeklyTable({ weekly }: { weekly: WeeklyChartPoint[] }) {
  return (
    <table className="sr-only">
      <caption>Weekly active users</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          <th scope="col">Active users</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {weekly.map((w) => (
          <tr key={w.weekStart}>
            <td>{formatDate(w.weekStart)}</td>
            <td>{formatNumber(w.activeUsers)}</td>
            <td>{w.note ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
