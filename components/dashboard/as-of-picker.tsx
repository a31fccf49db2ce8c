"use client";

import { useEffect, useId, useRef, useState } from "react";
import { parseDate } from "@/lib/audit/timestamp";

/** Typing a date goes through intermediate years (0002, 0020, 0202…): wait for a pause. */
const COMMIT_AFTER_MS = 600;

/**
 * The as-of date of every number on the page (`asOf` in the URL; empty is the server's today).
 * A date is applied after a short pause in typing, on Enter or when the field loses focus;
 * "Today" goes back to the default.
 */
export function AsOfPicker({ value, today, onChange }: { value: string | undefined; today: string; onChange: (asOf: string | undefined) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(value ?? today);
  const [shown, setShown] = useState(value ?? today);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // The URL may change from elsewhere (Reset, "Today"): the box follows it.
  if (shown !== (value ?? today)) {
    setShown(value ?? today);
    setDraft(value ?? today);
  }
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  function commit(text: string) {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (parseDate(text) === null) return;
    const next = text === today ? undefined : text;
    if (next !== value) onChange(next);
  }

  function onDraft(text: string) {
    setDraft(text);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => commit(text), COMMIT_AFTER_MS);
  }

  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm text-slate-700">
        As of
      </label>
      <input
        id={id}
        type="date"
        value={draft}
        max={today}
        onChange={(e) => onDraft(e.target.value)}
        onBlur={() => commit(draft)}
        onKeyDown={(e) => e.key === "Enter" && commit(draft)}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      />
      {value !== undefined && (
        <button
          type="button"
          onClick={() => onChange(undefined)}
          className="h-8 rounded-md px-2 text-sm font-medium text-indigo-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          Today
        </button>
      )}
    </div>
  );
}
