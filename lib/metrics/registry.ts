import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import type { NormalizedEvent } from "../audit/event";
import { isKnownAction } from "../audit/schema";

/** One registry per process, kept on globalThis so Next's module reloading never doubles it. */
interface Metrics {
  registry: Registry;
  eventsIngested: Counter<"org" | "action">;
  eventsRejected: Counter<"org" | "reason">;
  eventsDuplicate: Counter<"org">;
}

const holder = globalThis as unknown as { __orgtrailMetrics?: Metrics };

export function metrics(): Metrics {
  if (holder.__orgtrailMetrics) return holder.__orgtrailMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "orgtrail_" });
  const m: Metrics = {
    registry,
    eventsIngested: new Counter({
      name: "orgtrail_events_ingested_total",
      help: "Audit events stored, by action (actions outside the seed's catalogue count as unknown_action).",
      labelNames: ["org", "action"],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: "orgtrail_events_rejected_total",
      help: "Ingested lines rejected, by reason.",
      labelNames: ["org", "reason"],
      registers: [registry],
    }),
    eventsDuplicate: new Counter({
      name: "orgtrail_events_duplicate_total",
      help: "Ingested events already stored.",
      labelNames: ["org"],
      registers: [registry],
    }),
  };
  holder.__orgtrailMetrics = m;
  return m;
}

export function recordIngested(org: string, events: NormalizedEvent[]): void {
  const counts = new Map<string, number>();
  for (const e of events) {
    const action = isKnownAction(e.action) ? e.action : "unknown_action";
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  const c = metrics().eventsIngested;
  for (const [action, n] of counts) c.inc({ org, action }, n);
}
