/**
 * The filter language over one event at a time (pure): what the Slack query rules evaluate on
 * each ingested batch, where no explorer index exists (the CLI ingests too). The explorer
 * engine answers the same questions from its columns (lib/explorer/plan.ts); both follow the
 * table of docs/EXPLORER.md, and the tests check each against the same reference.
 */
import { ipInNet, parseIpAddress } from "./ip-net";
import type { Condition, FilterQuery, Identities } from "./query";

export interface EventFacts {
  action: string;
  tsMs: number;
  responseCode: number | null;
  /** The stored line, parsed (schema keys). */
  fields: Record<string, unknown>;
  /** The unknown keys, parsed, or null. */
  extra: unknown;
  /** users.id of the actor and the target user (SPEC §4 identity), or null. */
  actorUserId: number | null;
  targetUserId: number | null;
}

const DAY_MS = 86_400_000;

function strings(v: unknown, out: string[]): void {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) strings(x, out);
}

/** Every string value of the event but the timestamp, lower-cased. */
function texts(e: EventFacts): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(e.fields)) if (k !== "timestamp") strings(v, out);
  strings(e.extra, out);
  return out.map((s) => s.toLowerCase());
}

function holds(c: Condition, e: EventFacts, ids: Identities, lazyTexts: () => string[]): boolean {
  switch (c.kind) {
    case "action":
      return c.prefix ? e.action.startsWith(c.value) : e.action === c.value;
    case "actor":
      return e.actorUserId !== null && (ids.actor.get(c.value) ?? []).includes(e.actorUserId);
    case "user":
      return e.targetUserId !== null && (ids.user.get(c.value) ?? []).includes(e.targetUserId);
    case "entity":
    case "project": {
      const v = e.fields[c.kind === "entity" ? "entity_name" : "project_name"];
      return typeof v === "string" && v.toLowerCase() === c.value;
    }
    case "ip": {
      const v = e.fields.actor_ip;
      const a = typeof v === "string" ? parseIpAddress(v) : null;
      return a !== null && ipInNet(a, c.net);
    }
    case "status":
      return c.none ? e.responseCode === null : e.responseCode !== null && e.responseCode >= c.min && e.responseCode <= c.max;
    case "created": {
      const day = Math.floor(e.tsMs / DAY_MS);
      return (c.fromDay === null || day >= c.fromDay) && (c.toDay === null || day <= c.toDay);
    }
    case "text":
      return lazyTexts().some((s) => s.includes(c.value));
  }
}

/** Whether the event matches the query (`ids`: the users each actor:/user: value names). */
export function matchesEvent(query: FilterQuery, e: EventFacts, ids: Identities): boolean {
  let cached: string[] | null = null;
  const lazyTexts = () => (cached ??= texts(e));
  return query.groups.every((g) => g.some((c) => holds(c, e, ids, lazyTexts))) && query.excluded.every((c) => !holds(c, e, ids, lazyTexts));
}

/** Whether the query names users (actor:/user:): the caller must then know each event's users. */
export function usesIdentities(query: FilterQuery): boolean {
  return query.terms.some((t) => t.condition.kind === "actor" || t.condition.kind === "user");
}
