/**
 * Editing the text of a filter-language query (docs/EXPLORER.md) as the explorer's controls
 * do: the term under the caret, adding or excluding a term, replacing the `created:` range.
 * Pure: works on text, so a half-typed query (`action:` with no value yet) can be edited too;
 * the language itself is parsed by lib/filter/parse-filter.ts alone.
 */
import { formatTerm } from "@/lib/filter/parse-filter";
import { QUALIFIERS, type Qualifier } from "@/lib/filter/query";

export interface Token {
  /** Offsets in the text: [start, end). */
  start: number;
  end: number;
  text: string;
}

const isSpace = (ch: string) => /\s/.test(ch);

/** The terms of the text as written (split on whitespace outside double quotes). */
export function splitTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let quoted = false;
    while (i < text.length && (quoted || !isSpace(text[i]!))) {
      if (quoted && text[i] === "\\" && i + 1 < text.length) i++;
      else if (text[i] === '"') quoted = !quoted;
      i++;
    }
    tokens.push({ start, end: i, text: text.slice(start, i) });
  }
  return tokens;
}

/** The term the caret is in or just after; an empty token at the caret when it is in whitespace. */
export function tokenAt(text: string, caret: number): Token {
  for (const t of splitTokens(text)) if (caret >= t.start && caret <= t.end) return t;
  return { start: caret, end: caret, text: "" };
}

export interface TermParts {
  negated: boolean;
  /** The qualifier, lower-cased, when the term starts with a known one and a ':'. */
  qualifier: Qualifier | null;
  /** What follows the qualifier's ':' (or the whole term), quotes left as typed. */
  value: string;
}

export function termParts(token: string): TermParts {
  const negated = token.startsWith("-");
  const body = negated ? token.slice(1) : token;
  const m = /^([A-Za-z]+):/.exec(body);
  const name = m?.[1]?.toLowerCase();
  if (m && (QUALIFIERS as readonly string[]).includes(name!)) return { negated, qualifier: name as Qualifier, value: body.slice(m[0].length) };
  return { negated, qualifier: null, value: body };
}

/** A value as typed, without its opening (and closing) quote, for matching suggestions. */
export function unquotedPrefix(value: string): string {
  return value
    .replace(/^"/, "")
    .replace(/"$/, "")
    .replace(/\\(["\\])/g, "$1");
}

export interface Edit {
  text: string;
  /** Where the caret goes. */
  caret: number;
}

/** Replaces [start, end) by `insert`. */
export function replaceRange(text: string, start: number, end: number, insert: string): Edit {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}

const joinTokens = (tokens: string[]) => tokens.join(" ");

/**
 * The query with `term` added: unchanged when the term is already there, its opposite
 * (`-term` for `term` and the other way round) replaced, else appended.
 */
export function addTerm(query: string, term: string): string {
  const tokens = splitTokens(query).map((t) => t.text);
  if (tokens.includes(term)) return joinTokens(tokens);
  const opposite = term.startsWith("-") ? term.slice(1) : `-${term}`;
  const at = tokens.indexOf(opposite);
  if (at !== -1) tokens[at] = term;
  else tokens.push(term);
  return joinTokens(tokens);
}

/** The term a facet value adds (or excludes). */
export function facetTerm(qualifier: Qualifier, value: string, negated = false): string {
  return formatTerm(qualifier, value, negated);
}

/** The query without its terms of a qualifier (positive and excluded: `negated` null; else only those). */
export function withoutQualifier(query: string, qualifier: Qualifier, negated: boolean | null = null): string {
  return joinTokens(
    splitTokens(query)
      .map((t) => t.text)
      .filter((t) => {
        const p = termParts(t);
        return p.qualifier !== qualifier || (negated !== null && p.negated !== negated);
      }),
  );
}

/** The query with its positive `created:` terms replaced by one range of UTC days (`from` ≤ `to`, YYYY-MM-DD). */
export function withCreatedRange(query: string, from: string, to: string): string {
  const [a, b] = from <= to ? [from, to] : [to, from];
  const rest = withoutQualifier(query, "created", false);
  return joinTokens([...(rest ? [rest] : []), a === b ? `created:${a}` : `created:${a}..${b}`]);
}

/** True when the query has a positive `created:` term (the chart offers to clear it). */
export function hasCreated(query: string): boolean {
  return splitTokens(query).some((t) => {
    const p = termParts(t.text);
    return p.qualifier === "created" && !p.negated;
  });
}

/** Where the caret is, for suggestions: naming a qualifier, typing a qualifier's value, or neither. */
export type SuggestionContext =
  | { kind: "qualifier"; token: Token; negated: boolean; prefix: string }
  | { kind: "value"; token: Token; negated: boolean; qualifier: Qualifier; prefix: string };

export function suggestionContext(text: string, caret: number): SuggestionContext | null {
  const token = tokenAt(text, caret);
  // Only at the end of a term: suggestions replace the whole term.
  if (caret !== token.end) return null;
  const parts = termParts(token.text);
  if (parts.qualifier !== null) return { kind: "value", token, negated: parts.negated, qualifier: parts.qualifier, prefix: unquotedPrefix(parts.value) };
  if (parts.value.includes(":") || parts.value.startsWith('"')) return null;
  return { kind: "qualifier", token, negated: parts.negated, prefix: parts.value.toLowerCase() };
}

/**
 * The query the value suggestions are counted over: the text without the term being typed and
 * without the other terms of its qualifier (those are ORed with it, so they must not narrow
 * what it can name).
 */
export function suggestionBase(text: string, context: SuggestionContext & { kind: "value" }): string {
  return joinTokens(
    splitTokens(text)
      .filter((t) => t.start !== context.token.start && termParts(t.text).qualifier !== context.qualifier)
      .map((t) => t.text),
  );
}

/** One line of the suggestions list. */
export interface Suggestion {
  id: string;
  label: string;
  detail: string;
  /** The text and caret once chosen. */
  edit: Edit;
  /** A qualifier was chosen: its values are suggested next. */
  continues: boolean;
}

export const QUALIFIER_HELP: Record<Qualifier, string> = {
  action: "an action, or a prefix ending in *",
  actor: "who did it: email, user id or username",
  user: "the user it was done to",
  entity: "the team (entity)",
  project: "the project",
  ip: "an address or a CIDR range",
  status: "200, 4xx, >=400 or none",
  created: "a UTC day, >=day, <day or day..day",
};

export function qualifierSuggestions(text: string, context: SuggestionContext & { kind: "qualifier" }): Suggestion[] {
  return QUALIFIERS.filter((q) => q.startsWith(context.prefix) && !(context.prefix === q)).map((q) => {
    const insert = `${context.negated ? "-" : ""}${q}:`;
    return {
      id: `q-${q}`,
      label: insert,
      detail: QUALIFIER_HELP[q],
      edit: replaceRange(text, context.token.start, context.token.end, insert),
      continues: true,
    };
  });
}

export interface ValueOption {
  value: string;
  /** Matching events (facets), or a description (fixed values). */
  detail: string;
}

/** Values a qualifier always offers besides the facets: status classes, and date ranges relative to `today` (YYYY-MM-DD, UTC). */
export function fixedValues(qualifier: Qualifier, today: string): ValueOption[] {
  if (qualifier === "status") {
    return [
      { value: ">=400", detail: "every failed request" },
      { value: "4xx", detail: "client errors" },
      { value: "5xx", detail: "server errors" },
      { value: "none", detail: "no response code" },
    ];
  }
  if (qualifier !== "created") return [];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const t = new Date(`${today}T00:00:00Z`);
  const minus = (n: number) => day(new Date(t.getTime() - n * 86_400_000));
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  const monthStart = day(new Date(Date.UTC(y, m, 1)));
  const lastMonthStart = day(new Date(Date.UTC(y, m - 1, 1)));
  const lastMonthEnd = day(new Date(Date.UTC(y, m, 0)));
  return [
    { value: `>=${minus(6)}`, detail: "the last 7 days" },
    { value: `>=${minus(29)}`, detail: "the last 30 days" },
    { value: `${monthStart}..${today}`, detail: "this month" },
    { value: `${lastMonthStart}..${lastMonthEnd}`, detail: "last month" },
  ];
}

/** Value suggestions for the term being typed: options whose value contains the prefix (case-insensitively). */
export function valueSuggestions(text: string, context: SuggestionContext & { kind: "value" }, options: readonly ValueOption[], max = 12): Suggestion[] {
  const needle = context.prefix.toLowerCase();
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const o of options) {
    if (seen.has(o.value) || (needle && !o.value.toLowerCase().includes(needle))) continue;
    seen.add(o.value);
    // Fixed status and created values are written as they are (`status:>=400`), facet values quoted as needed.
    const term =
      context.qualifier === "status" || context.qualifier === "created"
        ? `${context.negated ? "-" : ""}${context.qualifier}:${o.value}`
        : facetTerm(context.qualifier, o.value, context.negated);
    const after = context.token.end < text.length ? "" : " ";
    out.push({
      id: `v-${out.length}`,
      label: term,
      detail: o.detail,
      edit: replaceRange(text, context.token.start, context.token.end, term + after),
      continues: false,
    });
    if (out.length === max) break;
  }
  return out;
}

/** The term and position a 400 from the language names (`… (term "foo:bar" at position 19)`), when it says. */
export function errorTerm(message: string): { term: string; position: number } | null {
  // The term is quoted as written (its own quotes unescaped): the last "at position" ends it.
  const m = /\(term "(.*)" at position (\d+)\)\s*$/s.exec(message);
  if (!m) return null;
  return { term: m[1]!, position: Number(m[2]) };
}
