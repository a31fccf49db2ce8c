/**
 * The calendar heatmap's layout: one column per ISO week (Monday first) from `from` to `to`,
 * seven cells each, days outside the range left empty; and the colour level of a count. Pure.
 */
const DAY_MS = 86_400_000;

const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
const weekday = (day: number) => (((day + 3) % 7) + 7) % 7;

export interface HeatmapCell {
  date: string;
  events: number;
  /** 0 (no active event) to 4 (the busiest quarter of the range). */
  level: number;
}

export interface HeatmapWeek {
  /** The Monday. */
  start: string;
  /** Monday to Sunday; null outside [from, to]. */
  days: (HeatmapCell | null)[];
  /** The month's short name when the week holds the 1st of a month. */
  monthLabel: string | null;
}

const monthName = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short" });

export function heatLevel(events: number, max: number): number {
  if (events <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((events / max) * 4)));
}

export function heatmapWeeks(from: string, to: string, days: readonly { date: string; events: number }[]): HeatmapWeek[] {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (!(first <= last)) return [];
  const counts = new Map(days.map((d) => [d.date, d.events]));
  const max = Math.max(0, ...days.map((d) => d.events));
  const weeks: HeatmapWeek[] = [];
  for (let monday = first - weekday(first); monday <= last; monday += 7) {
    const cells: (HeatmapCell | null)[] = [];
    let monthLabel: string | null = null;
    for (let i = 0; i < 7; i++) {
      const day = monday + i;
      if (day < first || day > last) {
        cells.push(null);
        continue;
      }
      const date = dateOf(day);
      if (date.endsWith("-01")) monthLabel = monthName.format(new Date(day * DAY_MS));
      const events = counts.get(date) ?? 0;
      cells.push({ date, events, level: heatLevel(events, max) });
    }
    weeks.push({ start: dateOf(monday), days: cells, monthLabel });
  }
  return weeks;
}

/** The date `n` days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  return dateOf(dayNumber(date) + n);
}
