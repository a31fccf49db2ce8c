"use client";

import { useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { formatDate, formatNumber } from "@/components/format";
import { addDays, heatmapWeeks, type HeatmapCell } from "./heatmap-layout";

const LEVEL_CLASS = ["bg-slate-100", "bg-indigo-200", "bg-indigo-400", "bg-indigo-600", "bg-indigo-800"];
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const longDate = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "long", year: "numeric", month: "long", day: "numeric" });

const eventsText = (n: number) => (n === 0 ? "no active events" : `${formatNumber(n)} ${n === 1 ? "event" : "events"}`);
/** What a cell says: its date and its events count. */
export const cellText = (c: HeatmapCell) => `${formatDate(c.date)}: ${eventsText(c.events)}`;

interface Tip {
  cell: HeatmapCell;
  style: CSSProperties;
}

function tipStyle(el: HTMLElement): CSSProperties {
  const r = el.getBoundingClientRect();
  const left = Math.max(8, Math.min(r.left + r.width / 2 - 100, window.innerWidth - 208));
  return r.top > 60 ? { bottom: window.innerHeight - r.top + 6, left } : { top: r.bottom + 6, left };
}

/**
 * Active days of a range as a calendar: one column per week (Monday on top), one cell per day,
 * darker for more active events. A cell's tooltip (on hover or keyboard focus) gives its date
 * and events count; the grid is one tab stop, arrow keys move by day and week, Home / End go to
 * the range's ends. A plain table of the active days follows, for reading rather than looking.
 * Renders its props.
 */
export function ActivityHeatmap({ from, to, days }: { from: string; to: string; days: { date: string; events: number }[] }) {
  const weeks = useMemo(() => heatmapWeeks(from, to, days), [from, to, days]);
  const tipId = useId();
  const gridRef = useRef<HTMLTableElement>(null);
  // The day holding the grid's tab stop: the last active day, else the range's last day.
  const [active, setActive] = useState(() => days.at(-1)?.date ?? to);
  const [tip, setTip] = useState<Tip | null>(null);

  useEffect(() => {
    if (!tip) return;
    const close = (e: globalThis.KeyboardEvent) => e.key === "Escape" && setTip(null);
    const hide = () => setTip(null);
    window.addEventListener("keydown", close);
    window.addEventListener("scroll", hide, true);
    return () => {
      window.removeEventListener("keydown", close);
      window.removeEventListener("scroll", hide, true);
    };
  }, [tip]);

  const byDate = useMemo(() => {
    const m = new Map<string, HeatmapCell>();
    for (const w of weeks) for (const c of w.days) if (c) m.set(c.date, c);
    return m;
  }, [weeks]);

  const tabDate = byDate.has(active) ? active : to;

  function show(el: HTMLElement) {
    const cell = byDate.get(el.dataset.date ?? "");
    if (cell) setTip({ cell, style: tipStyle(el) });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    const date = (e.target as HTMLElement).dataset.date;
    if (!date) return;
    const step: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 };
    let next: string | null = null;
    if (e.key in step) next = addDays(date, step[e.key]!);
    else if (e.key === "Home") next = from;
    else if (e.key === "End") next = to;
    if (next === null) return;
    e.preventDefault();
    if (next < from || next > to) return;
    setActive(next);
    gridRef.current?.querySelector<HTMLElement>(`[data-date="${next}"]`)?.focus();
  }

  const activeDays = days.length;
  const total = days.reduce((n, d) => n + d.events, 0);
  return (
    <div>
      <p className="mb-3 text-sm text-slate-700">
        {formatNumber(activeDays)} active {activeDays === 1 ? "day" : "days"} and {eventsText(total)} from {formatDate(from)} to {formatDate(to)}.
      </p>
      <div className="overflow-x-auto pb-1">
        <table
          ref={gridRef}
          role="grid"
          aria-label={`Active days from ${formatDate(from)} to ${formatDate(to)}`}
          onKeyDown={onKeyDown}
          className="border-separate border-spacing-[3px] text-[11px] leading-none text-slate-600"
        >
          <thead>
            <tr>
              <td />
              {weeks.map((w) => (
                <th key={w.start} scope="col" className="h-4 w-3 p-0 text-left align-bottom font-normal whitespace-nowrap">
                  {w.monthLabel ? <span aria-hidden="true">{w.monthLabel}</span> : null}
                  <span className="sr-only">Week of {formatDate(w.start)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((name, row) => (
              <tr key={name}>
                <th scope="row" className="w-8 p-0 pr-1 text-left font-normal">
                  <span aria-hidden="true">{row % 2 === 0 ? name.slice(0, 3) : ""}</span>
                  <span className="sr-only">{name}</span>
                </th>
                {weeks.map((w) => {
                  const c = w.days[row];
                  if (!c) return <td key={w.start} className="h-3 w-3 p-0" />;
                  return (
                    <td
                      key={w.start}
                      role="gridcell"
                      data-date={c.date}
                      data-events={c.events}
                      tabIndex={c.date === tabDate ? 0 : -1}
                      aria-label={`${longDate.format(new Date(`${c.date}T00:00:00Z`))}: ${eventsText(c.events)}`}
                      aria-describedby={tip?.cell.date === c.date ? tipId : undefined}
                      onMouseEnter={(e) => show(e.currentTarget)}
                      onMouseLeave={() => setTip(null)}
                      onFocus={(e) => {
                        setActive(c.date);
                        show(e.currentTarget);
                      }}
                      onBlur={() => setTip(null)}
                      className={`h-3 w-3 rounded-[2px] p-0 ${LEVEL_CLASS[c.level]} focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600`}
                    />
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-2 flex items-center justify-end gap-1 text-xs text-slate-600" aria-hidden="true">
        Less
        {LEVEL_CLASS.map((c) => (
          <span key={c} className={`inline-block h-3 w-3 rounded-[2px] ${c}`} />
        ))}
        More
      </div>
      {tip && (
        <div
          role="tooltip"
          id={tipId}
          style={tip.style}
          className="pointer-events-none fixed z-40 w-[200px] rounded-md bg-slate-900 px-3 py-2 text-center text-xs leading-5 text-white shadow-lg"
        >
          <span className="block font-semibold">{formatDate(tip.cell.date)}</span>
          <span className="block">{eventsText(tip.cell.events)}</span>
        </div>
      )}
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer rounded-sm text-indigo-800 focus-visible:outline-2 focus-visible:outline-indigo-600">Active days as a list</summary>
        {days.length === 0 ? (
          <p className="mt-2 text-slate-600">No active day in this range.</p>
        ) : (
          <div className="mt-2 max-h-64 overflow-auto rounded-md border border-slate-200" tabIndex={0} role="region" aria-label="Active days as a list">
            <table className="w-full text-sm">
              <caption className="sr-only">Active days and their active events</caption>
              <thead className="sticky top-0 bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-1.5 text-left font-semibold text-slate-700">
                    Day (UTC)
                  </th>
                  <th scope="col" className="px-3 py-1.5 text-right font-semibold text-slate-700">
                    Events
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...days].reverse().map((d) => (
                  <tr key={d.date} className="border-t border-slate-100">
                    <td className="px-3 py-1">{formatDate(d.date)}</td>
                    <td className="px-3 py-1 text-right tabular-nums">{formatNumber(d.events)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </div>
  );
}
