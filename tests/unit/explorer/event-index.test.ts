// The explorer engine (index, plan, answers) against a reference: a plain filter over the
// same events, written here from the language's definition (docs/EXPLORER.md).
import { describe, expect, it } from "vitest";
import { SCHEMA_KEYS } from "@/lib/audit/schema";
import { dayCounts, facetCounts, pageRows, topValues, walkForward, type FacetField, type Position } from "@/lib/explorer/answers";
import { EventIndex, KEY_GROUPS, type LogRow } from "@/lib/explorer/event-index";
import { compilePlan, rowMatches, type Identities } from "@/lib/explorer/plan";
import type { FilterQuery } from "@/lib/filter/query";
import {
  DAY_MS,
  makeEvents,
  newestFirst,
  parseOrThrow,
  REFERENCE_QUERIES,
  refMatches,
  resolveModel,
  storedLine,
  unknownKeys,
  type TestEvent,
} from "../../support/explorer-reference";

type Ev = TestEvent;

function rowOf(e: Ev): LogRow {
  const extra = unknownKeys(e);
  return {
    seq: e.seq,
    ts: e.ts,
    action: e.json.action as string,
    actorId: e.actor?.key ?? null,
    targetId: e.target?.key ?? null,
    responseCode: typeof e.json.response_code === "number" ? e.json.response_code : null,
    body: storedLine(e),
    extra: extra === null ? null : JSON.stringify(extra),
  };
}

const parse = parseOrThrow;
const resolveRef = (value: string) => resolveModel(value).map((u) => u.key);
const DAY = DAY_MS;
const BASE = Date.UTC(2026, 9, 1);
const QUERIES = REFERENCE_QUERIES;

function identitiesOf(q: FilterQuery): Identities {
  const actor = new Map<string, number[]>();
  const user = new Map<string, number[]>();
  for (const t of q.terms) {
    if (t.condition.kind === "actor") actor.set(t.condition.value, resolveRef(t.condition.value));
    if (t.condition.kind === "user") user.set(t.condition.value, resolveRef(t.condition.value));
  }
  return { actor, user };
}

function buildIndex(events: Ev[], chunk = 250): EventIndex {
  const index = new EventIndex(1);
  const rows = events.map(rowOf);
  for (let i = 0; i < rows.length; i += chunk) index.append(rows.slice(i, i + chunk));
  return index;
}

describe("the explorer engine matches the reference", () => {
  const events = makeEvents(3000, 7);
  const index = buildIndex(events);
  const seqs = (xs: Ev[]) => xs.map((e) => e.seq);
  const totals = new Map<string, number>();

  it("covers every string key of the schema in one column", () => {
    const covered = ["action", ...Object.values(KEY_GROUPS).flat()].sort();
    expect(covered).toEqual(SCHEMA_KEYS.filter((k) => k !== "timestamp" && k !== "response_code").sort());
  });

  for (const text of QUERIES) {
    it(`total, first page and every page: ${JSON.stringify(text)}`, () => {
      const q = parse(text);
      const expected = events.filter((e) => refMatches(q, e)).sort(newestFirst);
      totals.set(text, expected.length);
      const plan = compilePlan(index, q, identitiesOf(q));
      // Row by row too.
      for (let row = 0; row < index.rows; row += 7) expect(rowMatches(plan, row)).toBe(refMatches(q, events[row]!));
      const first = pageRows(plan, { snapshotSeq: index.lastSeq, after: null, limit: 50 });
      expect(first.total).toBe(expected.length);
      expect(first.rows.map((r) => index.seqAt(r))).toEqual(seqs(expected.slice(0, 50)));
      expect(first.more).toBe(expected.length > 50);
      // Pages of 97 until the end: every match once, in order; with the matches collected and
      // sorted, and with the time order walked (what many matches take).
      for (const collectLimit of [undefined, 10]) {
        const walked: number[] = [];
        let after: Position | null = null;
        for (let i = 0; i < 100; i++) {
          const page = pageRows(plan, { snapshotSeq: index.lastSeq, after, limit: 97, collectLimit });
          expect(page.total).toBe(expected.length);
          walked.push(...page.rows.map((r) => index.seqAt(r)));
          if (!page.more) break;
          const last = page.rows.at(-1)!;
          after = { ts: index.ts.data[last]!, seq: index.seqAt(last) };
        }
        expect(walked).toEqual(seqs(expected));
      }
    });
  }

  it("the queries above are not trivial: most match some events and miss others", () => {
    const between = [...totals.values()].filter((n) => n > 0 && n < events.length).length;
    expect(between).toBeGreaterThanOrEqual(QUERIES.length - 6);
  });

  it("facets count the matches per value", () => {
    const valueOf: Record<FacetField, (e: Ev) => string | null> = {
      action: (e) => e.json.action as string,
      actor: (e) => (e.actor === null ? null : String(e.actor.key)),
      user: (e) => (e.target === null ? null : String(e.target.key)),
      status: (e) => (typeof e.json.response_code === "number" ? String(e.json.response_code) : "none"),
      entity: (e) => (typeof e.json.entity_name === "string" ? e.json.entity_name : null),
      project: (e) => (typeof e.json.project_name === "string" ? e.json.project_name : null),
      ip: (e) => (typeof e.json.actor_ip === "string" ? e.json.actor_ip : null),
    };
    for (const text of ["", "status:>=400", "acme -action:user:login", "created:2026-10-10..2026-10-20 ip:10.0.0.0/8"]) {
      const q = parse(text);
      const plan = compilePlan(index, q, identitiesOf(q));
      for (const field of Object.keys(valueOf) as FacetField[]) {
        const expected = new Map<string, number>();
        for (const e of events) {
          if (!refMatches(q, e)) continue;
          const v = valueOf[field](e);
          if (v !== null) expected.set(v, (expected.get(v) ?? 0) + 1);
        }
        expect(facetCounts(plan, field)).toEqual(expected);
      }
    }
  });

  it("topValues orders by count, then value", () => {
    expect(
      topValues(
        new Map([
          ["b", 2],
          ["a", 2],
          ["c", 5],
          ["d", 1],
        ]),
        3,
      ),
    ).toEqual([
      { value: "c", count: 5 },
      { value: "a", count: 2 },
      { value: "b", count: 2 },
    ]);
  });

  it("matches per day", () => {
    for (const text of ["", "action:run:*", "-status:none created:>=2026-11-01"]) {
      const q = parse(text);
      const expected = new Map<number, number>();
      for (const e of events) if (refMatches(q, e)) expected.set(Math.floor(e.ts / DAY), (expected.get(Math.floor(e.ts / DAY)) ?? 0) + 1);
      expect(dayCounts(compilePlan(index, q, identitiesOf(q)))).toEqual(expected);
    }
  });

  it("walks forward oldest first within a window, in chunks", () => {
    const q = parse("-action:user:login");
    const plan = compilePlan(index, q, identitiesOf(q));
    const fromMs = BASE + 10 * DAY;
    const toMs = BASE + 40 * DAY;
    const expected = events.filter((e) => refMatches(q, e) && e.ts >= fromMs && e.ts < toMs).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const got: number[] = [];
    let after: Position | null = null;
    for (;;) {
      const step = walkForward(plan, { snapshotSeq: index.lastSeq, fromMs, toMs, after, max: 113 });
      got.push(...step.positions.map((p) => p.seq));
      if (step.positions.length < 113) break;
      after = step.positions.at(-1)!;
    }
    expect(got).toEqual(seqs(expected));
  });
});

describe("a snapshot, appends and purges", () => {
  it("a walk bound to a snapshot sees each of its matches once while events arrive, older ones included", () => {
    const all = makeEvents(2400, 11);
    const index = buildIndex(all.slice(0, 1200));
    const q = parse("-status:none");
    const snapshot = index.lastSeq;
    const expected = all
      .slice(0, 1200)
      .filter((e) => refMatches(q, e))
      .sort(newestFirst);
    const walked: number[] = [];
    let after: Position | null = null;
    let fed = 1200;
    for (let i = 0; i < 200; i++) {
      // New events (some with older timestamps) arrive between pages.
      index.append(all.slice(fed, fed + 100).map(rowOf));
      fed += 100;
      const plan = compilePlan(index, q, identitiesOf(q));
      const page = pageRows(plan, { snapshotSeq: snapshot, after, limit: 40 });
      expect(page.total).toBe(expected.length);
      walked.push(...page.rows.map((r) => index.seqAt(r)));
      if (!page.more) break;
      const last = page.rows.at(-1)!;
      after = { ts: index.ts.data[last]!, seq: index.seqAt(last) };
    }
    expect(walked).toEqual(expected.map((e) => e.seq));
    // And the index now answers for everything.
    const plan = compilePlan(index, q, identitiesOf(q));
    expect(pageRows(plan, { snapshotSeq: index.lastSeq, after: null, limit: 10 }).total).toBe(all.slice(0, fed).filter((e) => refMatches(q, e)).length);
  });

  it("a purge drops the oldest sequence numbers and the answers follow", () => {
    const all = makeEvents(1500, 3);
    const index = buildIndex(all, 333);
    index.purge(600);
    const kept = all.slice(600);
    for (const text of ["", "action:run:*", "status:>=400 -ip:10.0.0.0/8", "robotics"]) {
      const q = parse(text);
      const plan = compilePlan(index, q, identitiesOf(q));
      const expected = kept.filter((e) => refMatches(q, e)).sort(newestFirst);
      const page = pageRows(plan, { snapshotSeq: index.lastSeq, after: null, limit: 1000 });
      expect(page.total).toBe(expected.length);
      expect(page.rows.map((r) => index.seqAt(r))).toEqual(expected.slice(0, 1000).map((e) => e.seq));
      expect(facetCounts(plan, "status").get("200") ?? 0).toBe(expected.filter((e) => e.json.response_code === 200).length);
    }
    // Appends continue after the purge.
    index.append(makeEvents(10, 5, BASE, 1501).map(rowOf));
    expect(index.rows).toBe(910);
  });

  it("sequence numbers with a gap still find their rows", () => {
    const evs = makeEvents(300, 9).map((e, i) => ({ ...e, seq: i < 150 ? i + 1 : i + 1000 }));
    const index = buildIndex(evs, 100);
    const q = parse("action:run:*");
    const expected = evs.filter((e) => refMatches(q, e)).sort(newestFirst);
    const plan = compilePlan(index, q, identitiesOf(q));
    expect(pageRows(plan, { snapshotSeq: 150, after: null, limit: 1000 }).rows.map((r) => index.seqAt(r))).toEqual(
      expected.filter((e) => e.seq <= 150).map((e) => e.seq),
    );
    expect(pageRows(plan, { snapshotSeq: index.lastSeq, after: null, limit: 1000 }).total).toBe(expected.length);
  });
});
