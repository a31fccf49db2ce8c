"use client";

import { useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { replaceTerm, suggestionContext, termAt } from "@/lib/filter/edit-query";
import { formatTerm, parseFilter } from "@/lib/filter/parse-filter";
import { QUALIFIERS, type Qualifier } from "@/lib/filter/query";
import { FACET_FIELDS, useFacetsQuery, type FacetField } from "./use-explorer-queries";

const QUALIFIER_HINTS: Record<Qualifier, string> = {
  action: "an action, or a prefix ending in *",
  actor: "who did it: email, user id or username",
  user: "the user it was done to",
  entity: "team (entity_name)",
  project: "project_name",
  ip: "an address or a CIDR range",
  status: "200, 4xx, >=400 or none",
  created: "a UTC day, >=D, <D or D1..D2",
};

interface Option {
  id: string;
  label: string;
  detail: string;
  replacement: string;
  /** A qualifier waits for its value: no space after it. */
  open: boolean;
}

const MAX_OPTIONS = 8;

/**
 * The search field: the filter language, with suggestions of qualifiers and of values (the
 * facets of the query without the term being typed). Keyboard: arrows move, Enter or Tab
 * accepts a suggestion, Enter searches, Escape closes the list. An ARIA combobox.
 */
export function QueryBox({ org, value, onSearch }: { org: string; value: string; onSearch: (q: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [synced, setSynced] = useState(value);
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const errorId = useId();
  // The URL changed (back button, a facet click): show that query.
  if (value !== synced) {
    setSynced(value);
    setDraft(value);
  }

  const parsed = useMemo(() => parseFilter(draft), [draft]);
  const term = termAt(draft, caret);
  const context = suggestionContext(term.text);
  const facetField = context?.kind === "value" && (FACET_FIELDS as readonly string[]).includes(context.qualifier) ? (context.qualifier as FacetField) : null;
  // Values among the matches of the rest of the query.
  const rest = `${draft.slice(0, term.start)} ${draft.slice(term.end)}`.trim();
  const restQuery = parseFilter(rest).ok ? rest : "";
  const facets = useFacetsQuery(org, restQuery, facetField ?? "action", open && facetField !== null);

  const options: Option[] = useMemo(() => {
    if (!context) return [];
    const neg = context.negated ? "-" : "";
    if (context.kind === "qualifier") {
      return QUALIFIERS.filter((q) => q.startsWith(context.prefix) && `${q}:` !== term.text)
        .slice(0, MAX_OPTIONS)
        .map((q) => ({ id: `q-${q}`, label: `${neg}${q}:`, detail: QUALIFIER_HINTS[q], replacement: `${neg}${q}:`, open: true }));
    }
    if (facetField === null || !facets.data) return [];
    return facets.data.values
      .filter((v) => v.value.toLowerCase().includes(context.prefix))
      .slice(0, MAX_OPTIONS)
      .map((v, i) => {
        const t = `${neg}${formatTerm(context.qualifier, v.value)}`;
        return { id: `v-${i}`, label: t, detail: `${v.count.toLocaleString("en-US")} events`, replacement: t, open: false };
      });
  }, [context, facetField, facets.data, term.text]);
  const showList = open && options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  function accept(option: Option) {
    const next = replaceTerm(draft, term.start, term.end, option.replacement, option.open);
    setDraft(next.text);
    setCaret(next.caret);
    setActive(0);
    setOpen(option.open);
    requestAnimationFrame(() => {
      inputRef.current?.focus();
      inputRef.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape") {
      setOpen(false);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return setOpen(true);
      if (options.length === 0) return;
      setActive((i) => (event.key === "ArrowDown" ? (i + 1) % options.length : (i - 1 + options.length) % options.length));
      return;
    }
    if ((event.key === "Enter" || event.key === "Tab") && showList && activeIndex >= 0) {
      event.preventDefault();
      accept(options[activeIndex]!);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setOpen(false);
    if (parsed.ok) onSearch(draft.trim());
  }

  return (
    <form role="search" onSubmit={onSubmit} className="relative" aria-label="Search the audit log">
      <label htmlFor={`${listId}-input`} className="mb-1 block text-sm font-medium text-slate-800">
        Filter
      </label>
      <div className="flex gap-2">
        <div className="relative flex-1">
          <input
            ref={inputRef}
            id={`${listId}-input`}
            type="text"
            role="combobox"
            aria-expanded={showList}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={showList ? `${listId}-${options[activeIndex]!.id}` : undefined}
            aria-invalid={parsed.ok ? undefined : true}
            aria-describedby={errorId}
            autoComplete="off"
            spellCheck={false}
            value={draft}
            placeholder='e.g. action:user:create_api_key created:>=2026-11-01 -actor:ci-bot@acme.test "phrase"'
            onChange={(e) => {
              setDraft(e.target.value);
              setCaret(e.target.selectionStart ?? e.target.value.length);
              setOpen(true);
              setActive(0);
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? draft.length)}
            onKeyDown={onKeyDown}
            onFocus={() => setOpen(true)}
            onBlur={() => setOpen(false)}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30 aria-[invalid=true]:border-red-500"
          />
          {showList && (
            <ul id={listId} role="listbox" aria-label="Suggestions" className="absolute left-0 right-0 top-full z-30 mt-1 max-h-72 overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg">
              {options.map((o, i) => (
                <li
                  key={o.id}
                  id={`${listId}-${o.id}`}
                  role="option"
                  aria-selected={i === activeIndex}
                  // Keeps the focus in the field (a blur would close the list before the click).
                  onMouseDown={(e) => {
                    e.preventDefault();
                    accept(o);
                  }}
                  className={`flex cursor-pointer items-baseline justify-between gap-3 px-3 py-1.5 text-sm ${i === activeIndex ? "bg-indigo-50 text-indigo-900" : "text-slate-800"}`}
                >
                  <span className="truncate font-mono">{o.label}</span>
                  <span className="shrink-0 text-xs text-slate-600">{o.detail}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Button type="submit" variant="primary" disabled={!parsed.ok}>
          Search
        </Button>
      </div>
      <p id={errorId} role={parsed.ok ? undefined : "alert"} className={`mt-1 min-h-5 text-xs ${parsed.ok ? "text-slate-600" : "text-red-800"}`}>
        {parsed.ok ? "Terms AND; a qualifier repeated ORs; -term excludes. Arrows pick a suggestion, Enter searches." : parsed.error.message}
      </p>
    </form>
  );
}
