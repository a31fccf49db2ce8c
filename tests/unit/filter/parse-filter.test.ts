import { describe, expect, it } from "vitest";
import { parseDate } from "@/lib/audit/timestamp";
import { canonicalQuery, formatTerm, parseFilter } from "@/lib/filter/parse-filter";
import { createdSpan, type Condition, type FilterQuery } from "@/lib/filter/query";

function parse(text: string): FilterQuery {
  const r = parseFilter(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.query;
}

/** The one condition of a one-term query. */
function one(text: string): Condition {
  const q = parse(text);
  expect(q.terms).toHaveLength(1);
  return q.terms[0]!.condition;
}

function error(text: string) {
  const r = parseFilter(text);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return r.error;
}

const d = (s: string) => parseDate(s)!;

describe("parseFilter: every row of the language", () => {
  it("an empty or blank query matches everything", () => {
    for (const text of ["", "   ", "\t\n"]) expect(parse(text)).toEqual({ groups: [], excluded: [], terms: [] });
  });

  it("action: exactly, or a prefix ending in *", () => {
    expect(one("action:user:login")).toEqual({ kind: "action", value: "user:login", prefix: false });
    expect(one("action:run:*")).toEqual({ kind: "action", value: "run:", prefix: true });
    // A quoted star is the character itself.
    expect(one('action:"run:*"')).toEqual({ kind: "action", value: "run:*", prefix: false });
  });

  it("actor: and user: keep the value as written (resolved against the directory later)", () => {
    expect(one("actor:Ann@Acme.test")).toEqual({ kind: "actor", value: "Ann@Acme.test" });
    expect(one("user:VXNlcjoxMDAw")).toEqual({ kind: "user", value: "VXNlcjoxMDAw" });
    expect(one('actor:"ann smith"')).toEqual({ kind: "actor", value: "ann smith" });
  });

  it("entity: and project: compare case-insensitively", () => {
    expect(one("entity:ML-Team")).toEqual({ kind: "entity", value: "ml-team" });
    expect(one('project:"Big Model"')).toEqual({ kind: "project", value: "big model" });
  });

  it("ip: an IPv4 or IPv6 address, or a CIDR range", () => {
    expect(one("ip:10.1.2.3")).toEqual({ kind: "ip", net: { version: 4, value: 0x0a010203n, prefix: 32 } });
    expect(one("ip:10.1.0.0/16")).toEqual({ kind: "ip", net: { version: 4, value: 0x0a010000n, prefix: 16 } });
    expect(one("ip:2001:db8::1")).toEqual({ kind: "ip", net: { version: 6, value: (0x20010db8n << 96n) | 1n, prefix: 128 } });
    expect(one("ip:2001:db8::/32")).toEqual({ kind: "ip", net: { version: 6, value: 0x20010db8n << 96n, prefix: 32 } });
    // Host bits under the prefix are ignored; a mapped address is its IPv4 address.
    expect(one("ip:10.1.2.3/16")).toEqual(one("ip:10.1.0.0/16"));
    expect(one("ip:::ffff:10.1.2.3")).toEqual(one("ip:10.1.2.3"));
  });

  it("status: a code, a class, a comparison, or none", () => {
    expect(one("status:200")).toEqual({ kind: "status", none: false, min: 200, max: 200 });
    expect(one("status:4xx")).toEqual({ kind: "status", none: false, min: 400, max: 499 });
    expect(one("status:5XX")).toEqual({ kind: "status", none: false, min: 500, max: 599 });
    expect(one("status:>=400")).toEqual({ kind: "status", none: false, min: 400, max: 999 });
    expect(one("status:>400")).toEqual({ kind: "status", none: false, min: 401, max: 999 });
    expect(one("status:<400")).toEqual({ kind: "status", none: false, min: 0, max: 399 });
    expect(one("status:<=399")).toEqual({ kind: "status", none: false, min: 0, max: 399 });
    expect(one("status:none")).toEqual({ kind: "status", none: true });
  });

  it("created: a UTC day, >=, <, or an inclusive range", () => {
    expect(one("created:2026-11-01")).toEqual({ kind: "created", fromDay: d("2026-11-01"), toDay: d("2026-11-01") });
    expect(one("created:>=2026-11-01")).toEqual({ kind: "created", fromDay: d("2026-11-01"), toDay: null });
    expect(one("created:>2026-11-01")).toEqual({ kind: "created", fromDay: d("2026-11-02"), toDay: null });
    expect(one("created:<2026-12-01")).toEqual({ kind: "created", fromDay: null, toDay: d("2026-11-30") });
    expect(one("created:<=2026-12-01")).toEqual({ kind: "created", fromDay: null, toDay: d("2026-12-01") });
    expect(one("created:2026-11-01..2026-11-30")).toEqual({ kind: "created", fromDay: d("2026-11-01"), toDay: d("2026-11-30") });
    expect(one("created:2026-11-01..2026-11-01")).toEqual(one("created:2026-11-01"));
  });

  it("a bare word or a quoted phrase is lower-cased text", () => {
    expect(one("Robotics")).toEqual({ kind: "text", value: "robotics" });
    expect(one('"Big Model v2"')).toEqual({ kind: "text", value: "big model v2" });
    // Quoted, a colon is text, not a qualifier.
    expect(one('"foo:bar"')).toEqual({ kind: "text", value: "foo:bar" });
    expect(one('"say \\"hi\\" \\\\ bye"')).toEqual({ kind: "text", value: 'say "hi" \\ bye' });
  });

  it("qualifier names are case-insensitive", () => {
    expect(one("Action:user:login")).toEqual(one("action:user:login"));
    expect(one("STATUS:none")).toEqual(one("status:none"));
  });

  it("records each term's position (1-based) and text", () => {
    const q = parse('  action:user:login   -"two words" ip:10.0.0.0/8');
    expect(q.terms.map((t) => [t.position, t.source, t.negated])).toEqual([
      [3, "action:user:login", false],
      [23, '-"two words"', true],
      [36, "ip:10.0.0.0/8", false],
    ]);
  });
});

describe("parseFilter: AND, OR and NOT", () => {
  it("different qualifiers AND: one group each", () => {
    const q = parse("action:user:login status:4xx entity:ml");
    expect(q.groups.map((g) => g.map((c) => c.kind))).toEqual([["action"], ["status"], ["entity"]]);
    expect(q.excluded).toEqual([]);
  });

  it("the same qualifier repeated ORs: one group holds them", () => {
    const q = parse("action:user:login status:200 action:run:* action:user:logout");
    expect(q.groups).toEqual([
      [
        { kind: "action", value: "user:login", prefix: false },
        { kind: "action", value: "run:", prefix: true },
        { kind: "action", value: "user:logout", prefix: false },
      ],
      [{ kind: "status", none: false, min: 200, max: 200 }],
    ]);
  });

  it("a leading - excludes (AND NOT), whatever the qualifier, and is not ORed with positives", () => {
    const q = parse("action:run:* -action:run:update -status:none -robot");
    expect(q.groups).toEqual([[{ kind: "action", value: "run:", prefix: true }]]);
    expect(q.excluded).toEqual([
      { kind: "action", value: "run:update", prefix: false },
      { kind: "status", none: true },
      { kind: "text", value: "robot" },
    ]);
    expect(q.terms.map((t) => t.negated)).toEqual([false, true, true, true]);
  });

  it("bare words AND each other (each must be found)", () => {
    const q = parse('alpha "beta gamma" alpha');
    expect(q.groups).toEqual([[{ kind: "text", value: "alpha" }], [{ kind: "text", value: "beta gamma" }], [{ kind: "text", value: "alpha" }]]);
  });

  it("the created: span of a query is the hull of its positive created: terms", () => {
    expect(createdSpan(parse("action:user:login"))).toEqual({ fromDay: null, toDay: null });
    expect(createdSpan(parse("created:2026-11-03 created:2026-11-10..2026-11-12"))).toEqual({ fromDay: d("2026-11-03"), toDay: d("2026-11-12") });
    expect(createdSpan(parse("created:>=2026-11-03 -created:2026-11-05"))).toEqual({ fromDay: d("2026-11-03"), toDay: null });
    expect(createdSpan(parse("created:2026-11-03 created:<2026-01-01"))).toEqual({ fromDay: null, toDay: d("2026-11-03") });
  });
});

describe("parseFilter: errors name the term and its position", () => {
  it("an unknown qualifier", () => {
    const e = error("action:user:login foo:bar");
    expect(e.position).toBe(19);
    expect(e.term).toBe("foo:bar");
    expect(e.message).toContain('unknown qualifier "foo"');
    expect(e.message).toContain('term "foo:bar" at position 19');
    expect(e.message).toContain('"foo:bar"');
    // A URL is an unknown qualifier too, until quoted.
    expect(error("https://example.test").message).toContain('unknown qualifier "https"');
    expect(parseFilter('"https://example.test"').ok).toBe(true);
  });

  it("a bad date, a reversed range", () => {
    for (const [text, bad] of [
      ["created:2026-02-30", "2026-02-30"],
      ["created:>=2026-13-01", "2026-13-01"],
      ["created:2026-11-01..nov", "nov"],
      ["created:yesterday", "yesterday"],
    ] as const) {
      const e = error(`status:200 ${text}`);
      expect(e.position).toBe(12);
      expect(e.term).toBe(text);
      expect(e.message).toContain(`"${bad}" is not a date`);
    }
    expect(error("created:2026-11-30..2026-11-01").message).toContain("ends (2026-11-01) before it starts (2026-11-30)");
  });

  it("a bad address or CIDR", () => {
    for (const text of ["ip:10.1.0.0/33", "ip:10.1.0/16", "ip:abc", "ip:2001:db8::/129", "ip:1::2::3", "ip:256.1.1.1", "ip:10.1.0.0/x"]) {
      const e = error(`-${text}`);
      expect(e.position).toBe(1);
      expect(e.term).toBe(`-${text}`);
      expect(e.message).toMatch(/^ip: /);
    }
    expect(error("ip:10.1.0.0/33").message).toContain("prefix length");
  });

  it("a bad status", () => {
    const e = error("status:teapot");
    expect(e).toMatchObject({ position: 1, term: "status:teapot" });
    expect(e.message).toContain("status: expects");
    expect(error("status:6xx").message).toContain("status: expects");
    expect(error("status:>=4000").message).toContain("status: expects");
  });

  it("an unclosed quote points at the quote", () => {
    const e = error('action:user:login "never closed');
    expect(e.position).toBe(19);
    expect(e.message).toContain("unclosed quote");
    const e2 = error('entity:"ml');
    expect(e2.position).toBe(8);
    expect(e2.message).toContain('term "entity:\\"ml" at position 1'.replace('\\"', '"'));
  });

  it("an empty value, a lone minus", () => {
    expect(error("action:").message).toContain("action: needs a value");
    expect(error('actor:""').message).toContain("actor: needs a value");
    expect(error("a - b")).toMatchObject({ position: 3, term: "-" });
  });

  it("control characters and over-long queries", () => {
    expect(error("a\u0000b")).toMatchObject({ position: 2 });
    expect(error("x".repeat(2001)).message).toContain("at most 2000");
    expect(error(Array.from({ length: 65 }, (_, i) => `w${i}`).join(" ")).message).toContain("at most 64 terms");
  });
});

describe("formatting", () => {
  it("formatTerm quotes what needs it, and round-trips through the parser", () => {
    expect(formatTerm("actor", "ann@acme.test")).toBe("actor:ann@acme.test");
    expect(formatTerm("entity", "big team")).toBe('entity:"big team"');
    expect(formatTerm("action", "odd*")).toBe('action:"odd*"');
    expect(formatTerm("status", "none", true)).toBe("-status:none");
    for (const value of ['a "quoted" \\ value', "-lead", "x*"]) {
      const q = parse(formatTerm("user", value));
      expect(q.terms[0]!.condition).toEqual({ kind: "user", value });
    }
  });

  it("canonicalQuery is the same for the same meaning, and differs otherwise", () => {
    const canon = (t: string) => canonicalQuery(parse(t));
    expect(canon("  action:user:login   status:4XX ")).toBe(canon("Action:user:login status:4xx"));
    expect(canon("ip:10.1.2.3/16")).toBe(canon("ip:10.1.0.0/16"));
    expect(canon("action:user:login")).not.toBe(canon("-action:user:login"));
    expect(canon("action:run:*")).not.toBe(canon('action:"run:*"'));
    expect(canon("actor:Ann")).not.toBe(canon("actor:ann"));
  });
});
