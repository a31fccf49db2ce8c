import { normalizeEvent, type NormalizedEvent } from "../audit/event";
import type { Deployment } from "../env";

export type ParsedLine = { event: NormalizedEvent } | { error: string } | { skipped: true };

/**
 * One NDJSON line to an event, a rejection or a skip: the same step whether it runs in the
 * ingesting thread or in a parse worker (lib/ingest/parse-worker.ts).
 */
export function parseEventLine(text: string, deployment: Deployment): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` };
  }
  const result = normalizeEvent(value);
  if (!result.ok) return { error: result.error };
  // Multi-tenant deployments do not collect report:read (SPEC §3).
  if (deployment === "multi-tenant" && result.event.action === "report:read") return { skipped: true };
  return { event: result.event };
}
