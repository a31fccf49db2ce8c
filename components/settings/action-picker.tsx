"use client";

import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { ACTION_CATALOGUE } from "@/lib/audit/action-catalogue";
import { isKnownAction } from "@/lib/audit/schema";

/**
 * Watched actions picked from the audit-log catalogue: a searchable multi-select (WAI-ARIA
 * combobox with a multi-select listbox). Type to filter (action or its meaning), ArrowDown/Up
 * to move, Enter to add or remove, Escape to close, Backspace in an empty box removes the last
 * one. An action saved before the catalogue was enforced shows as "unknown" until removed.
 */
export function ActionPicker({
  id,
  label,
  value,
  onChange,
  hint,
}: {
  id: string;
  label: string;
  value: string[];
  onChange: (actions: string[]) => void;
  hint?: string;
}) {
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const needle = query.trim().toLowerCase();
  const options = useMemo(
    () => (needle ? ACTION_CATALOGUE.filter((o) => o.action.includes(needle) || o.definition.toLowerCase().includes(needle)) : ACTION_CATALOGUE),
    [needle],
  );
  const at = Math.min(active, Math.max(0, options.length - 1));
  const selected = new Set(value);
  const optionId = (i: number) => `${listId}-option-${i}`;

  function toggle(action: string) {
    onChange(selected.has(action) ? value.filter((a) => a !== action) : [...value, action]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((at + step + options.length) % Math.max(1, options.length));
    } else if (event.key === "Home" && open) {
      event.preventDefault();
      setActive(0);
    } else if (event.key === "End" && open) {
      event.preventDefault();
      setActive(Math.max(0, options.length - 1));
    } else if (event.key === "Enter") {
      // Enter picks; it never submits the form from here.
      event.preventDefault();
      if (open && options[at]) toggle(options[at].action);
      else setOpen(true);
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        setOpen(false);
      } else if (query) setQuery("");
    } else if (event.key === "Backspace" && query === "" && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {value.length > 0 && (
        <ul aria-label={`Selected ${label.toLowerCase()}`} className="flex flex-wrap gap-1.5">
          {value.map((action) => {
            const known = isKnownAction(action);
            return (
              <li
                key={action}
                className={`inline-flex items-center gap-1 rounded-full border py-0.5 pl-2.5 pr-1 text-xs ${known ? "border-indigo-200 bg-indigo-50 text-indigo-900" : "border-red-300 bg-red-50 text-red-900"}`}
              >
                <code>{action}</code>
                {!known && <span className="font-medium">(unknown action)</span>}
                <button
                  type="button"
                  aria-label={`Remove ${action}`}
                  onClick={() => {
                    onChange(value.filter((a) => a !== action));
                    inputRef.current?.focus();
                  }}
                  className="inline-flex h-5 w-5 items-center justify-center rounded-full hover:bg-white focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="relative">
        <input
          ref={inputRef}
          id={id}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && options[at] ? optionId(at) : undefined}
          aria-describedby={hint ? `${id}-hint` : undefined}
          value={query}
          placeholder="Search actions, e.g. api_key or deleted"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30"
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={label}
          aria-multiselectable="true"
          hidden={!open}
          // Keep the focus in the box while an option is clicked.
          onMouseDown={(e) => e.preventDefault()}
          className="absolute z-30 mt-1 max-h-72 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {options.length === 0 && <li className="px-3 py-2 text-sm text-slate-600">No action of the catalogue matches “{query.trim()}”</li>}
          {options.map((o, i) => (
            <li
              key={o.action}
              id={optionId(i)}
              role="option"
              aria-selected={selected.has(o.action)}
              onClick={() => toggle(o.action)}
              onMouseEnter={() => setActive(i)}
              className={`flex cursor-pointer items-baseline gap-2 px-3 py-1.5 text-sm ${i === at ? "bg-indigo-50 outline-2 -outline-offset-2 outline-indigo-600" : ""}`}
            >
              <span aria-hidden="true" className="w-4 text-indigo-700">
                {selected.has(o.action) ? "✓" : ""}
              </span>
              <code className="text-slate-900">{o.action}</code>
              <span className="truncate text-xs text-slate-600">{o.definition}</span>
            </li>
          ))}
        </ul>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
    </div>
  );
}
