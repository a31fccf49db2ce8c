/**
 * Edits of a query's text by the explorer page (pure): add a term (a facet value), replace the
 * `created:` terms (a range dragged on the chart), and the word under the caret (suggestions).
 * Terms are kept as the user wrote them; a query that does not parse is only appended to.
 */
import { parseFilter } from "./parse-filter";
import { QUALIFIERS, type Qualifier } from "./query";

function sources(q: string): string[] | null {
  const parsed = parseFilter(q);
  return parsed.ok ? parsed.query.terms.map((t) => t.source) : null;
}

/** The query with `term` added at the end (unless the same term is already there). */
export function addTerm(q: string, term: string): string {
  const terms = sources(q);
  if (terms?.includes(term)) return q;
  const trimmed = q.trim();
  return trimmed === "" ? term : `${trimmed} ${term}`;
}

/** The query without the given term (as written), when it is there. */
export function removeTerm(q: string, term: string): string {
  const terms = sources(q);
  return terms === null ? q : terms.filter((t) => t !== term).join(" ");
}

/** The query with its positive `created:` terms replaced by one `created:FROM..TO` (`FROM === TO`: one day). */
export function setCreatedRange(q: string, from: string, to: string): string {
  const parsed = parseFilter(q);
  const range = from === to ? `created:${from}` : `created:${from}..${to}`;
  if (!parsed.ok) return `${q.trim()} ${range}`.trim();
  const kept = parsed.query.terms.filter((t) => t.negated || t.condition.kind !== "created").map((t) => t.source);
  return [...kept, range].join(" ");
}

/** The term the caret is in (or just after): where a suggestion goes. */
export function termAt(q: string, caret: number): { start: number; end: number; text: string } {
  let start = caret;
  while (start > 0 && !/\s/.test(q[start - 1]!)) start--;
  let end = caret;
  while (end < q.length && !/\s/.test(q[end]!)) end++;
  return { start, end, text: q.slice(start, end) };
}

export type Suggestion = { kind: "qualifier"; qualifier: Qualifier } | { kind: "value"; qualifier: Qualifier; value: string; count: number };

/**
 * What the term being typed asks for: qualifiers starting with it (`ac` → `action:`), or the
 * values of its qualifier (`action:us` → values of `action` containing `us`).
 */
export function suggestionContext(term: string): { kind: "qualifier"; prefix: string; negated: boolean } | { kind: "value"; qualifier: Qualifier; prefix: string; negated: boolean } | null {
  const negated = term.startsWith("-");
  const body = negated ? term.slice(1) : term;
  const colon = body.indexOf(":");
  if (colon === -1) return body.includes('"') ? null : { kind: "qualifier", prefix: body.toLowerCase(), negated };
  const name = body.slice(0, colon).toLowerCase();
  if (!(QUALIFIERS as readonly string[]).includes(name)) return null;
  return { kind: "value", qualifier: name as Qualifier, prefix: body.slice(colon + 1).replace(/^"/, "").toLowerCase(), negated };
}

/** The query with the term [start, end) replaced by `replacement`, then a space unless `open` (a qualifier waiting for its value). */
export function replaceTerm(q: string, start: number, end: number, replacement: string, open = false): { text: string; caret: number } {
  const before = q.slice(0, start);
  const after = q.slice(end).replace(/^\s*/, "");
  const gap = open ? "" : " ";
  const text = open && after !== "" ? `${before}${replacement} ${after}` : `${before}${replacement}${gap}${after}`;
  return { text, caret: before.length + replacement.length + gap.length };
}
