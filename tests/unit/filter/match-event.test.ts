// The one-event matcher (Slack query rules) against the reference over the same events and
// queries as the explorer engine (tests/support/explorer-reference.ts).
import { describe, expect, it } from "vitest";
import { matchesEvent, usesIdentities, type EventFacts } from "@/lib/filter/match-event";
import type { FilterQuery, Identities } from "@/lib/filter/query";
import {
  makeEvents,
  parseOrThrow,
  REFERENCE_QUERIES,
  refMatches,
  resolveModel,
  storedLine,
  unknownKeys,
  type TestEvent,
} from "../../support/explorer-reference";

function facts(e: TestEvent): EventFacts {
  return {
    action: e.json.action as string,
    tsMs: e.ts,
    responseCode: typeof e.json.response_code === "number" ? e.json.response_code : null,
    fields: JSON.parse(storedLine(e)) as Record<string, unknown>,
    extra: unknownKeys(e),
    actorUserId: e.actor?.key ?? null,
    targetUserId: e.target?.key ?? null,
  };
}

function identities(q: FilterQuery): Identities {
  const actor = new Map<string, number[]>();
  const user = new Map<string, number[]>();
  for (const t of q.terms) {
    if (t.condition.kind === "actor")
      actor.set(
        t.condition.value,
        resolveModel(t.condition.value).map((u) => u.key),
      );
    if (t.condition.kind === "user")
      user.set(
        t.condition.value,
        resolveModel(t.condition.value).map((u) => u.key),
      );
  }
  return { actor, user };
}

describe("matchesEvent", () => {
  const events = makeEvents(1200, 5);
  for (const text of REFERENCE_QUERIES) {
    it(`agrees with the reference: ${JSON.stringify(text)}`, () => {
      const q = parseOrThrow(text);
      const ids = identities(q);
      for (const e of events) expect(matchesEvent(q, facts(e), ids), `seq ${e.seq}`).toBe(refMatches(q, e));
    });
  }

  it("says when a query needs each event's users", () => {
    expect(usesIdentities(parseOrThrow("action:user:login robotics"))).toBe(false);
    expect(usesIdentities(parseOrThrow("-actor:ann"))).toBe(true);
    expect(usesIdentities(parseOrThrow("user:bob status:4xx"))).toBe(true);
  });
});
