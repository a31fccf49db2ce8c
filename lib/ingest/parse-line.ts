import { normalizeEvent, type NormalizedEvent } from "../audit/event";
import { MAX_EVENT_DEPTH, nestsDeeperThan } from "../audit/json-scan";
import { outsideWindow, type PlausibleWindow } from "../audit/plausible";
import type { Deployment } from "../env";

export type ParsedLine = { event: NormalizedEvent } | { error: string } | { skipped: true };

/**
 * One NDJSON line to an event, a rejection or a skip: the same step whether it runs in the
 * ingesting thread or in a parse worker (lib/ingest/parse-worker.ts). A line that cannot be
 * stored (not JSON, not an event, nested deeper than 64, an integer past 2^53, a time outside
 * the plausible window) is a rejection with its reason; nothing here throws on any input.
 */
export function parseEventLine(text: string, deployment: Deployment, window: PlausibleWindow): ParsedLine {
  // Before JSON.parse: everything that walks a parsed value recurses once per level.
  if (nestsDeeperThan(text, MAX_EVENT_DEPTH)) return { error: `nesting deeper than ${MAX_EVENT_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` };
  }
  const result = normalizeEvent(value);
  if (!result.ok) return { error: result.error };
  const outside = outsideWindow(result.event.tsMs, window);
  if (outside !== null) return { error: outside };
  // Multi-tenant deployments do not collect report:read (SPEC §3).
  if (deployment === "multi-tenant" && result.event.action === "report:read") return { skipped: true };
  return { event: result.event };
}
