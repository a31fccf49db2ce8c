/**
 * The filter language's parsed form (SPEC §8, docs/EXPLORER.md). Pure types and helpers: the
 * explorer engine, `/admin/audit_logs?q=`, the exports and the alert rules all read this.
 */
import type { IpNet } from "./ip-net";

export const QUALIFIERS = ["action", "actor", "user", "entity", "project", "ip", "status", "created"] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** One condition. `text` is a bare word or phrase; the others are `qualifier:value`. */
export type Condition =
  /** `action:user:login` (exact) or `action:run:*` (prefix: `value` without the star). */
  | { kind: "action"; value: string; prefix: boolean }
  /** `actor:` / `user:`: an email (case-insensitive), a platform user id or a directory username. */
  | { kind: "actor" | "user"; value: string }
  /** `entity:` / `project:`: the name, compared case-insensitively (`value` is lower-cased). */
  | { kind: "entity" | "project"; value: string }
  | { kind: "ip"; net: IpNet }
  /** A response code range [min, max] (inclusive), or `none`: no response code. */
  | { kind: "status"; none: true }
  | { kind: "status"; none: false; min: number; max: number }
  /** UTC day numbers, inclusive; null: unbounded on that side. */
  | { kind: "created"; fromDay: number | null; toDay: number | null }
  /** Case-insensitive substring of any string value but the timestamp (`value` is lower-cased). */
  | { kind: "text"; value: string };

export type ConditionKind = Condition["kind"];

export interface Term {
  condition: Condition;
  negated: boolean;
  /** 1-based character position of the term in the query text, and the term as written. */
  position: number;
  source: string;
}

/**
 * The meaning of a query: every group must hold (AND), a group holds when one of its
 * conditions does (OR: one qualifier repeated), and no excluded condition may hold (AND NOT).
 * Bare words and phrases are each a group of their own (all must be found).
 */
export interface FilterQuery {
  groups: Condition[][];
  excluded: Condition[];
  terms: Term[];
}

/** Users (users.id) each `actor:` / `user:` value names, as the directory resolves them. */
export interface Identities {
  actor: ReadonlyMap<string, readonly number[]>;
  user: ReadonlyMap<string, readonly number[]>;
}

export const MATCH_ALL: FilterQuery = { groups: [], excluded: [], terms: [] };

export function isMatchAll(query: FilterQuery): boolean {
  return query.groups.length === 0 && query.excluded.length === 0;
}

/** Builds the groups from terms, in the order the qualifiers first appear. */
export function groupTerms(terms: Term[]): FilterQuery {
  const byKind = new Map<ConditionKind, Condition[]>();
  const groups: Condition[][] = [];
  const excluded: Condition[] = [];
  for (const term of terms) {
    if (term.negated) {
      excluded.push(term.condition);
      continue;
    }
    if (term.condition.kind === "text") {
      groups.push([term.condition]);
      continue;
    }
    const group = byKind.get(term.condition.kind);
    if (group) group.push(term.condition);
    else {
      const fresh = [term.condition];
      byKind.set(term.condition.kind, fresh);
      groups.push(fresh);
    }
  }
  return { groups, excluded, terms };
}

/** The `created:` days a query allows, as one span (the hull of its `created:` terms); null sides are open. */
export function createdSpan(query: FilterQuery): { fromDay: number | null; toDay: number | null } {
  let fromDay: number | null = null;
  let toDay: number | null = null;
  for (const group of query.groups) {
    if (group[0]?.kind !== "created") continue;
    // One group holds every positive created: term (same qualifier ORs): its hull.
    let gFrom: number | null = Infinity;
    let gTo: number | null = -Infinity;
    for (const c of group) {
      if (c.kind !== "created") continue;
      gFrom = c.fromDay === null || gFrom === null ? null : Math.min(gFrom, c.fromDay);
      gTo = c.toDay === null || gTo === null ? null : Math.max(gTo, c.toDay);
    }
    fromDay = gFrom;
    toDay = gTo;
  }
  return { fromDay, toDay };
}
