"use client";

import { useCallback, useId, useRef, useState } from "react";
import { useDismiss } from "@/components/ui/use-dismiss";
import { OPTIONAL_COLUMNS, type OptionalColumn } from "@/components/dashboard/use-dashboard-params";
import { OPTIONAL_COLUMN_LABELS } from "./user-columns";

/** "Columns": check boxes adding Runs, Reports and Models Seat to the table. Escape or a click outside closes it. */
export function ColumnChooser({ cols: fromUrl, onChange }: { cols: readonly OptionalColumn[]; onChange: (cols: OptionalColumn[]) => void }) {
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  // The URL catches up a render later: show the choice at once (no flicker back).
  const [cols, setCols] = useState(fromUrl);
  const [seen, setSeen] = useState(fromUrl.join(","));
  if (seen !== fromUrl.join(",")) {
    setSeen(fromUrl.join(","));
    setCols(fromUrl);
  }
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const boxRef = useRef<HTMLFieldSetElement>(null);

  useDismiss(open, close, buttonRef, boxRef);

  function toggle(column: OptionalColumn, on: boolean) {
    const next = OPTIONAL_COLUMNS.filter((c) => (c === column ? on : cols.includes(c)));
    setCols(next);
    onChange(next);
  }

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-columns`}
        onClick={() => setOpen(!open)}
        className="inline-flex h-8 items-center gap-1 rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Columns{cols.length > 0 && <span className="text-slate-600"> (+{cols.length})</span>}
      </button>
      <fieldset
        ref={boxRef}
        id={`${id}-columns`}
        hidden={!open}
        className="absolute right-0 z-30 mt-1 w-52 rounded-md border border-slate-200 bg-white p-3 shadow-lg"
      >
        <legend className="sr-only">Optional columns</legend>
        {OPTIONAL_COLUMNS.map((column) => (
          <label key={column} className="flex items-center gap-2 py-1 text-sm text-slate-800">
            <input
              type="checkbox"
              checked={cols.includes(column)}
              onChange={(e) => toggle(column, e.target.checked)}
              className="h-4 w-4 accent-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            />
            {OPTIONAL_COLUMN_LABELS[column]}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
