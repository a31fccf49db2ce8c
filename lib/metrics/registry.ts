import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { NormalizedEvent } from "../audit/event";
import { isKnownAction } from "../audit/schema";

/** One registry per process, kept on globalThis so Next's module reloading never doubles it. */
interface Metrics {
  registry: Registry;
  eventsIngested: Counter<"org" | "action">;
  eventsRejected: Counter<"org" | "reason">;
  eventsDuplicate: Counter<"org">;
  activeUsers: Gauge<"org" | "window">;
}

const holder = globalThis as unknown as { __orgtrailMetrics?: Metrics };

export function metrics(): Metrics {
  if (holder.__orgtrailMetrics) return holder.__orgtrailMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "orgtrail_" });
  // prom-client's `*_total` gauges of handles, requests and resources repeat the sums of its
  // per-type gauges (`orgtrail_nodejs_active_handles{type}`...) and break the naming rule that
  // `promtool check metrics` enforces (only counters end in _total).
  for (const name of ["handles", "requests", "resources"]) registry.removeSingleMetric(`orgtrail_nodejs_active_${name}_total`);
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
    activeUsers: new Gauge({
      name: "orgtrail_active_users",
      help: "Distinct users with an active day in the window ending today (UTC), per organization.",
      labelNames: ["org", "window"],
      registers: [registry],
    }),
  };
  new Gauge({
    name: "orgtrail_build_info",
    help: "Build information; the value is always 1.",
    labelNames: ["version", "node"],
    registers: [registry],
  }).set({ version: process.env.npm_package_version ?? "0.1.0", node: process.version }, 1);
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

export function recordIngestSummary(org: string, duplicates: number, rejected: { error: string }[]): void {
  const m = metrics();
  if (duplicates > 0) m.eventsDuplicate.inc({ org }, duplicates);
  for (const r of rejected) m.eventsRejected.inc({ org, reason: rejectionReason(r.error) });
}

/** A small fixed set of label values: never the offending text itself. */
export function rejectionReason(error: string): string {
  if (error.startsWith("invalid JSON")) return "invalid_json";
  if (error === "invalid UTF-8") return "invalid_utf8";
  if (error.startsWith("line is longer")) return "line_too_long";
  if (error.startsWith("missing required field")) return "missing_field";
  if (error.includes('"timestamp"')) return "invalid_timestamp";
  if (error.startsWith("expected a JSON object")) return "not_an_object";
  return "invalid_field";
}
