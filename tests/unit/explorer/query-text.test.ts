// The explorer's query-text edits (components/explorer/query-text.ts): what a facet click, a
// chart drag and a suggestion do to the text of the query, checked against hand-written cases
// and against the language's own parser.
import { describe, expect, it } from "vitest";
import {
  addTerm,
  errorTerm,
  facetTerm,
  fixedValues,
  hasCreated,
  qualifierSuggestions,
  splitTokens,
  suggestionBase,
  suggestionContext,
  tokenAt,
  valueSuggestions,
  withCreatedRange,
  withoutQualifier,
} from "@/components/explorer/query-text";
import { FACET_FIELDS as PAGE_FACET_FIELDS } from "@/components/explorer/facet-fields";
import { FACET_FIELDS } from "@/lib/explorer/answers";
import { parseFilter } from "@/lib/filter/parse-filter";

describe("splitTokens / tokenAt", () => {
  it("splits on whitespace outside quotes, with offsets", () => {
    expect(splitTokens(' action:run:*  entity:"Vision Group" -"a \\" b" x')).toEqual([
      { start: 1, end: 13, text: "action:run:*" },
      { start: 15, end: 36, text: 'entity:"Vision Group"' },
      { start: 37, end: 46, text: '-"a \\" b"' },
      { start: 47, end: 48, text: "x" },
    ]);
    expect(splitTokens("   ")).toEqual([]);
  });

  it("finds the term at (or just after) the caret, else an empty one", () => {
    expect(tokenAt("actor:ann status:4xx", 3).text).toBe("actor:ann");
    expect(tokenAt("actor:ann status:4xx", 9).text).toBe("actor:ann");
    expect(tokenAt("actor:ann  status:4xx", 10)).toEqual({ start: 10, end: 10, text: "" });
  });
});

describe("addTerm", () => {
  it("appends a new term, keeps an existing one, flips its opposite", () => {
    expect(addTerm("", "action:user:login")).toBe("action:user:login");
    expect(addTerm("status:4xx", "action:user:login")).toBe("status:4xx action:user:login");
    expect(addTerm("action:user:login", "action:user:login")).toBe("action:user:login");
    expect(addTerm("status:4xx action:user:login", "-action:user:login")).toBe("status:4xx -action:user:login");
    expect(addTerm("-ip:10.0.0.1 x", "ip:10.0.0.1")).toBe("ip:10.0.0.1 x");
  });

  it("quotes facet values the language needs quoted, and the result parses to that value", () => {
    expect(facetTerm("entity", "Vision Group")).toBe('entity:"Vision Group"');
    expect(facetTerm("actor", "ann@acme.test", true)).toBe("-actor:ann@acme.test");
    // A facet action ending in * is that action, not a prefix.
    expect(facetTerm("action", "odd*")).toBe('action:"odd*"');
    const parsed = parseFilter(addTerm("status:4xx", facetTerm("entity", 'say "hi"')));
    expect(parsed.ok && parsed.query.terms[1]!.condition).toEqual({ kind: "entity", value: 'say "hi"' });
  });
});

describe("created: ranges and qualifiers", () => {
  it("replaces the positive created: terms by one range, in order", () => {
    expect(withCreatedRange("action:user:login created:2026-01-01 -created:2026-01-05", "2026-03-09", "2026-03-02")).toBe(
      "action:user:login -created:2026-01-05 created:2026-03-02..2026-03-09",
    );
    expect(withCreatedRange("", "2026-03-02", "2026-03-02")).toBe("created:2026-03-02");
    expect(hasCreated("created:>=2026-01-01")).toBe(true);
    expect(hasCreated("-created:2026-01-01 created")).toBe(false);
  });

  it("removes a qualifier's terms", () => {
    expect(withoutQualifier("Created:2026-01-01 x -created:2026-01-02", "created")).toBe("x");
    expect(withoutQualifier("created:2026-01-01 x -created:2026-01-02", "created", false)).toBe("x -created:2026-01-02");
  });
});

describe("suggestions", () => {
  it("offers qualifiers for a bare prefix, keeping a leading -", () => {
    const ctx = suggestionContext("status:4xx -ac", 14);
    expect(ctx).toMatchObject({ kind: "qualifier", negated: true, prefix: "ac" });
    const s = qualifierSuggestions("status:4xx -ac", ctx as Extract<typeof ctx, { kind: "qualifier" }>);
    expect(s.map((x) => x.label)).toEqual(["-action:", "-actor:"]);
    expect(s[0]!.edit).toEqual({ text: "status:4xx -action:", caret: 19 });
    expect(s[0]!.continues).toBe(true);
  });

  it("offers values containing what was typed, written as terms, with a space after at the end", () => {
    const text = "status:4xx action:API";
    const ctx = suggestionContext(text, text.length);
    expect(ctx).toMatchObject({ kind: "value", qualifier: "action", prefix: "API" });
    const v = ctx as Extract<typeof ctx, { kind: "value" }>;
    expect(suggestionBase(text, v)).toBe("status:4xx");
    const s = valueSuggestions(text, v, [
      { value: "user:login", detail: "9" },
      { value: "user:create_api_key", detail: "3" },
      { value: "user:delete_api_key", detail: "1" },
    ]);
    expect(s.map((x) => x.label)).toEqual(["action:user:create_api_key", "action:user:delete_api_key"]);
    expect(s[0]!.edit.text).toBe("status:4xx action:user:create_api_key ");
    expect(s[0]!.continues).toBe(false);
  });

  it("leaves the other terms of the qualifier out of the base the values are counted over", () => {
    const text = "action:user:login status:200 action:run";
    const ctx = suggestionContext(text, text.length) as Extract<ReturnType<typeof suggestionContext>, { kind: "value" }>;
    expect(suggestionBase(text, ctx)).toBe("status:200");
  });

  it("offers nothing in the middle of a term or after a quoted phrase", () => {
    expect(suggestionContext("action:user:login", 4)).toBeNull();
    expect(suggestionContext('"open', 5)).toBeNull();
  });

  it("offers status classes and date ranges relative to today, every one a valid term", () => {
    const dates = fixedValues("created", "2026-03-15").map((v) => v.value);
    expect(dates).toEqual([">=2026-03-09", ">=2026-02-14", "2026-03-01..2026-03-15", "2026-02-01..2026-02-28"]);
    for (const v of [...dates, ...fixedValues("status", "2026-03-15").map((x) => x.value)]) {
      const q = v.includes("-") ? `created:${v}` : `status:${v}`;
      expect(parseFilter(q).ok, q).toBe(true);
    }
    expect(fixedValues("actor", "2026-03-15")).toEqual([]);
  });
});

describe("errorTerm", () => {
  it("reads the term and position a 400 names, as the parser writes them", () => {
    for (const q of ["action:user:login foo:bar", 'status:200 "never closed', "created:2026-02-30", "x ip:10.0.0.0/33"]) {
      const parsed = parseFilter(q);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) continue;
      const got = errorTerm(`invalid q: ${parsed.error.message}`);
      expect(got, q).not.toBeNull();
      expect(q.slice(got!.position - 1, got!.position - 1 + got!.term.length), q).toBe(got!.term);
    }
    expect(errorTerm("limit must be a whole number")).toBeNull();
  });
});

describe("the page's facet fields", () => {
  it("are the facets API's fields", () => {
    expect([...PAGE_FACET_FIELDS]).toEqual([...FACET_FIELDS]);
  });
});
