/**
 * `orgtrail quarantine retry`: ingests the quarantined lines again (e.g. after the plausible
 * window was widened). A line now stored, or a duplicate of a stored event, or one the
 * deployment does not collect, leaves the quarantine in the same transaction that stores it;
 * a line that still cannot be stored stays, with its reason as of now.
 */
import type { NormalizedEvent } from "../audit/event";
import type { PlausibleWindow } from "../audit/plausible";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { afterStored } from "../alerts/after-stored";
import { listQuarantine, type QuarantinedLine } from "../queries/list-quarantine";
import { appendBatch } from "./append-batch";
import { parseEventLine } from "./parse-line";
import { plausibleWindow } from "./window";

export interface RetrySummary {
  retried: number;
  stored: number;
  duplicates: number;
  /** Lines the deployment does not collect (multi-tenant report:read): removed. */
  skipped: number;
  remaining: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Why a kept line still cannot be stored, or its event. */
function reparse(row: QuarantinedLine, deployment: Deployment, window: PlausibleWindow): { event: NormalizedEvent } | { error: string } | { skipped: true } {
  if (row.truncated) return { error: row.reason };
  let text: string;
  try {
    text = utf8.decode(row.raw);
  } catch {
    return { error: "invalid UTF-8" };
  }
  return parseEventLine(text, deployment, window);
}

export async function retryQuarantine(
  store: Store,
  orgId: number,
  options: { deployment: Deployment; window?: PlausibleWindow; pageSize?: number; onProgress?: (s: RetrySummary) => void },
): Promise<RetrySummary> {
  const window = options.window ?? plausibleWindow();
  const summary: RetrySummary = { retried: 0, stored: 0, duplicates: 0, skipped: 0, remaining: 0 };
  let afterId = 0;
  for (;;) {
    const page = await listQuarantine(store, orgId, { afterId, limit: options.pageSize ?? 1000 });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const events: NormalizedEvent[] = [];
    const remove: number[] = [];
    const reasons: { id: number; reason: string }[] = [];
    for (const row of page) {
      summary.retried++;
      const parsed = reparse(row, options.deployment, window);
      if ("event" in parsed) {
        events.push(parsed.event);
        remove.push(row.id);
      } else if ("skipped" in parsed) {
        summary.skipped++;
        remove.push(row.id);
      } else {
        summary.remaining++;
        if (parsed.error !== row.reason) reasons.push({ id: row.id, reason: parsed.error });
      }
    }
    const result = await appendBatch(store, orgId, events, { retried: { remove, reasons } });
    summary.stored += result.accepted;
    summary.duplicates += result.duplicates;
    if (result.stored.length > 0) await afterStored(store, orgId, result.stored);
    options.onProgress?.(summary);
  }
  return summary;
}

/** Removes quarantined lines (all of the organization's, or the given ids); returns how many. */
export async function dropQuarantined(store: Store, orgId: number, ids: number[] | "all"): Promise<number> {
  let q = store.db.deleteFrom("quarantine").where("org_id", "=", orgId);
  if (ids !== "all") {
    if (ids.length === 0) return 0;
    q = q.where("id", "in", ids);
  }
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}
