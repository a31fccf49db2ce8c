"use client";

import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import type { Suggestion } from "./query-text";

/**
 * The explorer's search field: a WAI-ARIA combobox (editable, list autocomplete) whose
 * suggestions complete the term under the caret. ArrowDown / ArrowUp open the list and move
 * through it, Enter takes the highlighted suggestion (or, with none highlighted, runs the
 * query), Escape closes the list. Renders its props; the suggestions come from its wrapper.
 */
export function SearchCombobox({
  value,
  open,
  suggestions,
  suggestionsNote,
  invalid,
  describedBy,
  onEdit,
  onCaret,
  onOpenChange,
  onSubmit,
}: {
  value: string;
  open: boolean;
  suggestions: Suggestion[];
  /** Said in the list when it has no suggestion (loading, or why there is none). */
  suggestionsNote: string | null;
  invalid: boolean;
  describedBy?: string;
  onEdit: (text: string, caret: number) => void;
  onCaret: (caret: number) => void;
  onOpenChange: (open: boolean) => void;
  onSubmit: (text: string) => void;
}) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const inputRef = useRef<HTMLInputElement>(null);
  const pendingCaret = useRef<number | null>(null);
  const [active, setActive] = useState(-1);
  // A new list starts with nothing highlighted (Enter then runs the query as typed).
  const signature = suggestions.map((s) => s.label).join("\n");
  const [seen, setSeen] = useState(signature);
  if (seen !== signature) {
    setSeen(signature);
    setActive(-1);
  }
  const shown = open && suggestions.length > 0;

  // Put the caret where a chosen suggestion left it, once the new value is rendered.
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !inputRef.current) return;
    pendingCaret.current = null;
    inputRef.current.setSelectionRange(caret, caret);
  });

  function accept(s: Suggestion) {
    pendingCaret.current = s.edit.caret;
    onEdit(s.edit.text, s.edit.caret);
    onOpenChange(s.continues);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const n = suggestions.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        onOpenChange(true);
        return;
      }
      if (n === 0) return;
      const down = event.key === "ArrowDown";
      setActive((a) => (a === -1 ? (down ? 0 : n - 1) : (a + (down ? 1 : n - 1)) % n));
    } else if (event.key === "Enter") {
      const chosen = open && active >= 0 ? suggestions[active] : undefined;
      if (chosen) {
        event.preventDefault();
        accept(chosen);
      }
      // Otherwise the form submits.
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        onOpenChange(false);
      }
    } else if (event.key === "Tab") {
      onOpenChange(false);
    }
  }

  const activeSuggestion = shown && active >= 0 ? suggestions[active] : undefined;
  return (
    <form
      role="search"
      aria-label="Audit events"
      className="flex flex-wrap items-start gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        onOpenChange(false);
        onSubmit(value);
      }}
    >
      <div className="relative min-w-0 flex-1">
        <label htmlFor={inputId} className="mb-1 block text-sm font-medium text-slate-800">
          Filter events
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="text"
          role="combobox"
          aria-expanded={shown}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeSuggestion ? `${listId}-${activeSuggestion.id}` : undefined}
          aria-invalid={invalid || undefined}
          aria-describedby={[hintId, describedBy].filter(Boolean).join(" ")}
          value={value}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          placeholder="e.g. action:user:create_api_key created:>=2026-11-01 -status:>=400"
          onChange={(e) => {
            onEdit(e.target.value, e.target.selectionStart ?? e.target.value.length);
            onOpenChange(true);
          }}
          onSelect={(e) => onCaret(e.currentTarget.selectionStart ?? value.length)}
          onKeyDown={onKeyDown}
          onBlur={() => onOpenChange(false)}
          className={`h-10 w-full rounded-md border bg-white px-3 font-mono text-sm placeholder:font-sans placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 ${invalid ? "border-red-600" : "border-slate-300"}`}
        />
        <p id={hintId} className="mt-1 text-xs text-slate-600">
          Terms like <code>actor:ann@acme.test</code>, <code>status:4xx</code>, <code>ip:10.1.0.0/16</code>; a leading <code>-</code> excludes. Arrow keys pick
          a suggestion.
        </p>
        <ul
          id={listId}
          role="listbox"
          aria-label="Suggestions"
          hidden={!shown}
          className="absolute left-0 right-0 top-[4.25rem] z-30 max-h-80 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
        >
          {suggestions.map((s, i) => (
            <li
              key={s.id}
              id={`${listId}-${s.id}`}
              role="option"
              aria-selected={i === active}
              // Keeps the focus in the field: a click must not blur it first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => accept(s)}
              onMouseMove={() => i !== active && setActive(i)}
              className={`flex cursor-pointer items-baseline justify-between gap-4 px-3 py-1.5 ${i === active ? "bg-indigo-50 text-indigo-950" : "text-slate-800"}`}
            >
              <span className="truncate font-mono">{s.label}</span>
              <span className="shrink-0 text-xs text-slate-600">{s.detail}</span>
            </li>
          ))}
        </ul>
        {open && !shown && suggestionsNote && (
          <p
            aria-live="polite"
            className="absolute left-0 right-0 top-[4.25rem] z-30 rounded-md border border-slate-200 bg-white px-3 py-1.5 text-sm text-slate-600 shadow-lg"
          >
            {suggestionsNote}
          </p>
        )}
      </div>
      <Button type="submit" variant="primary" className="mt-6 h-10">
        Search
      </Button>
    </form>
  );
}
