import type { WeeklyChartPoint } from "@/lib/activity/partial";
import { formatDate, formatNumber } from "@/components/format";

/** The weekly bars as a table for screen readers (the chart itself is only drawn). */
export function WeeklyTable({ weekly }: { weekly: WeeklyChartPoint[] }) {
  return (
    // The wrapper is what is visually hidden: a table does not shrink to sr-only's 1 px.
    <div className="sr-only">
      <table>
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
    </div>
  );
}
