/**
 * The one parser of the filter language (SPEC §8, docs/EXPLORER.md). Pure: no I/O, so the
 * server, the alert rules and the browser's search field all run the same code.
 *
 *   query  := term (whitespace term)*
 *   term   := ["-"] (qualifier ":" value | value)
 *   value  := one or more of: characters other than whitespace and '"', or a '"'-quoted
 *             string in which \" is a quote and \\ a backslash
 *
 * A qualifier is only recognized when it is written unquoted at the start of the term, so
 * `"foo:bar"` is a phrase, while an unquoted `foo:bar` names an unknown qualifier (an error
 * that says to quote it).
 */
import { parseDate } from "../audit/timestamp";
import { formatIpNet, parseIpNet } from "./ip-net";
import { groupTerms, QUALIFIERS, type Condition, type FilterQuery, type Qualifier, type Term } from "./query";

/** Longest query text accepted, and most terms. */
export const MAX_QUERY_CHARS = 2000;
export const MAX_TERMS = 64;

export interface FilterError {
  message: string;
  /** 1-based character position of the offending term (or character), and the term as written. */
  position: number;
  term: string;
}

export type ParseResult = { ok: true; query: FilterQuery } | { ok: false; error: FilterError };

class ParseFailure extends Error {
  constructor(readonly detail: FilterError) {
    super(detail.message);
  }
}

interface RawTerm {
  /** 0-based offset of the term's first character. */
  start: number;
  source: string;
  negated: boolean;
  /** The qualifier as written, when the term starts with an unquoted `name:`. */
  qualifier: string | null;
  value: string;
  /** True when any part of the value was quoted (a quoted `*` is not a wildcard, a quoted empty value is empty). */
  quoted: boolean;
  /** The value ends with an unquoted `*`. */
  starSuffix: boolean;
}

const WHITESPACE = /\s/;

function fail(term: { start: number; source: string }, message: string): never {
  const position = term.start + 1;
  throw new ParseFailure({ message: `${message} (term "${term.source}" at position ${position})`, position, term: term.source });
}

/** Splits the text into terms, decoding quotes. */
function tokenize(text: string): RawTerm[] {
  const terms: RawTerm[] = [];
  let i = 0;
  while (i < text.length) {
    if (WHITESPACE.test(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (text[i] === "-") {
      negated = true;
      i++;
    }
    // An unquoted qualifier: letters up to the first ':' of the term.
    let qualifier: string | null = null;
    let j = i;
    while (j < text.length && !WHITESPACE.test(text[j]!) && text[j] !== '"' && text[j] !== ":") j++;
    if (j < text.length && text[j] === ":" && j > i) {
      qualifier = text.slice(i, j);
      i = j + 1;
    }
    let value = "";
    let quoted = false;
    let starSuffix = false;
    while (i < text.length && !WHITESPACE.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === '"') {
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i]!;
          if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) {
            value += text[i + 1];
            i += 2;
            continue;
          }
          if (c === '"') {
            closed = true;
            i++;
            break;
          }
          value += c;
          i++;
        }
        if (!closed) {
          const position = open + 1;
          throw new ParseFailure({
            message: `unclosed quote: the '"' at position ${position} has no closing '"' (term "${text.slice(start)}" at position ${start + 1})`,
            position,
            term: text.slice(start),
          });
        }
        starSuffix = false;
        continue;
      }
      value += ch;
      starSuffix = ch === "*";
      i++;
    }
    terms.push({ start, source: text.slice(start, i), negated, qualifier, value, quoted, starSuffix });
  }
  return terms;
}

function qualifierOf(raw: RawTerm): Qualifier {
  const name = raw.qualifier!.toLowerCase();
  if ((QUALIFIERS as readonly string[]).includes(name)) return name as Qualifier;
  const text = quoteValue(raw.source.replace(/^-/, ""));
  fail(
    raw,
    `unknown qualifier "${raw.qualifier}": use one of ${QUALIFIERS.map((q) => `${q}:`).join(", ")}, or quote the term to search for the text (${text})`,
  );
}

const STATUS_CODE = /^\d{1,3}$/;
const STATUS_CLASS = /^([1-5])xx$/i;
const COMPARISON = /^(>=|<=|>|<)(.*)$/;

function statusCondition(raw: RawTerm): Condition {
  const v = raw.value.trim();
  if (v.toLowerCase() === "none") return { kind: "status", none: true };
  if (STATUS_CODE.test(v)) return { kind: "status", none: false, min: Number(v), max: Number(v) };
  const cls = STATUS_CLASS.exec(v);
  if (cls) return { kind: "status", none: false, min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
  const cmp = COMPARISON.exec(v);
  if (cmp && STATUS_CODE.test(cmp[2]!)) {
    const n = Number(cmp[2]);
    switch (cmp[1]) {
      case ">=":
        return { kind: "status", none: false, min: n, max: 999 };
      case ">":
        return { kind: "status", none: false, min: n + 1, max: 999 };
      case "<=":
        return { kind: "status", none: false, min: 0, max: n };
      default:
        return { kind: "status", none: false, min: 0, max: n - 1 };
    }
  }
  fail(raw, `status: expects a response code (status:200), a class (status:4xx), a comparison (status:>=400) or status:none, not "${raw.value}"`);
}

function day(raw: RawTerm, text: string): number {
  const d = parseDate(text);
  if (d === null) fail(raw, `created: "${text}" is not a date as YYYY-MM-DD (UTC)`);
  return d;
}

function createdCondition(raw: RawTerm): Condition {
  const v = raw.value.trim();
  const range = v.indexOf("..");
  if (range !== -1) {
    const fromDay = day(raw, v.slice(0, range));
    const toDay = day(raw, v.slice(range + 2));
    if (toDay < fromDay) fail(raw, `created: the range ends (${v.slice(range + 2)}) before it starts (${v.slice(0, range)})`);
    return { kind: "created", fromDay, toDay };
  }
  const cmp = COMPARISON.exec(v);
  if (cmp) {
    const d = day(raw, cmp[2]!);
    switch (cmp[1]) {
      case ">=":
        return { kind: "created", fromDay: d, toDay: null };
      case ">":
        return { kind: "created", fromDay: d + 1, toDay: null };
      case "<=":
        return { kind: "created", fromDay: null, toDay: d };
      default:
        return { kind: "created", fromDay: null, toDay: d - 1 };
    }
  }
  const d = day(raw, v);
  return { kind: "created", fromDay: d, toDay: d };
}

function condition(raw: RawTerm): Condition {
  if (raw.qualifier === null) {
    if (raw.value === "") fail(raw, raw.negated && !raw.quoted ? `"-" must be followed by a term to exclude` : "empty phrase");
    return { kind: "text", value: raw.value.toLowerCase() };
  }
  const qualifier = qualifierOf(raw);
  if (raw.value === "") fail(raw, `${qualifier}: needs a value`);
  switch (qualifier) {
    case "action":
      if (raw.starSuffix) return { kind: "action", value: raw.value.slice(0, -1), prefix: true };
      return { kind: "action", value: raw.value, prefix: false };
    case "actor":
    case "user":
      return { kind: qualifier, value: raw.value };
    case "entity":
    case "project":
      return { kind: qualifier, value: raw.value.toLowerCase() };
    case "ip": {
      const parsed = parseIpNet(raw.value.trim());
      if (!parsed.ok) fail(raw, `ip: ${parsed.error} (expected an address such as 10.1.2.3 or 2001:db8::1, or a CIDR range such as 10.1.0.0/16)`);
      return { kind: "ip", net: parsed.net };
    }
    case "status":
      return statusCondition(raw);
    case "created":
      return createdCondition(raw);
  }
}

/** Parses a query (`q`): an empty or blank text matches every event. */
export function parseFilter(text: string): ParseResult {
  try {
    if (text.length > MAX_QUERY_CHARS) {
      throw new ParseFailure({
        message: `the query is ${text.length} characters long; at most ${MAX_QUERY_CHARS} are accepted`,
        position: MAX_QUERY_CHARS + 1,
        term: "",
      });
    }
    const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
    if (control) {
      throw new ParseFailure({
        message: `control character U+${control[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()} at position ${control.index + 1}`,
        position: control.index + 1,
        term: "",
      });
    }
    const raws = tokenize(text);
    if (raws.length > MAX_TERMS) fail(raws[MAX_TERMS]!, `at most ${MAX_TERMS} terms are accepted`);
    const terms: Term[] = raws.map((raw) => ({ condition: condition(raw), negated: raw.negated, position: raw.start + 1, source: raw.source }));
    return { ok: true, query: groupTerms(terms) };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: error.detail };
    throw error;
  }
}

/** A value double-quoted, `"` and `\\` escaped. */
export function quoteValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A value as the language writes it: bare when it can be, else quoted. */
export function formatValue(value: string): string {
  return value !== "" && !/[\s"\\]/.test(value) && !value.startsWith("-") ? value : quoteValue(value);
}

/** A term for `qualifier:value` (e.g. a facet value the page adds to the query); `negated` prefixes "-". */
export function formatTerm(qualifier: Qualifier, value: string, negated = false): string {
  const v = qualifier === "action" && value.endsWith("*") ? quoteValue(value) : formatValue(value);
  return `${negated ? "-" : ""}${qualifier}:${v}`;
}

/** A stable text of what a query means (terms normalized, in order): what a cursor is bound to. */
export function canonicalQuery(query: FilterQuery): string {
  return query.terms.map((t) => (t.negated ? "-" : "") + conditionText(t.condition)).join(" ");
}

function conditionText(c: Condition): string {
  switch (c.kind) {
    case "action":
      return `action:${JSON.stringify(c.value)}${c.prefix ? "*" : ""}`;
    case "actor":
    case "user":
    case "entity":
    case "project":
    case "text":
      return `${c.kind}:${JSON.stringify(c.value)}`;
    case "ip":
      return `ip:${formatIpNet(c.net)}`;
    case "status":
      return c.none ? "status:none" : `status:${c.min}..${c.max}`;
    case "created":
      return `created:${c.fromDay ?? ""}..${c.toDay ?? ""}`;
  }
}
