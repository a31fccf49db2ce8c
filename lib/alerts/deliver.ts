import type { Store } from "../db/client";
import { BlockedUrlError, untrustedFetch } from "../net/outbound";
import { getAlertSettings, openWebhook, type AlertSettings } from "./settings";
import { escapeControl } from "../text/escape-control";

/** What to do with an outbox row after one attempt. Pure; unit-tested. */
export type Outcome = { kind: "delivered" } | { kind: "retry"; delayMs: number; error: string } | { kind: "failed"; error: string };

export const MAX_ATTEMPTS = 10;
/** Slack's rate limit is not the message's fault: allow many more waits on 429. */
export const MAX_RATE_LIMITED_ATTEMPTS = 50;
const BASE_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 15 * 60_000;
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/** `Retry-After` in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(trimmed) * 1000));
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/** `attempts` counts this attempt too. */
export function classifyResponse(status: number, retryAfter: string | null, body: string, attempts: number, now = Date.now()): Outcome {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  const reason = `HTTP ${status}${body ? `: ${body.slice(0, 100).replace(/\s+/g, " ")}` : ""}`;
  if (status === 429) {
    if (attempts >= MAX_RATE_LIMITED_ATTEMPTS) return { kind: "failed", error: `${reason} (gave up after ${attempts} attempts)` };
    return { kind: "retry", delayMs: parseRetryAfter(retryAfter, now) ?? backoffMs(attempts), error: reason };
  }
  if (status >= 500 || status === 408) {
    if (attempts >= MAX_ATTEMPTS) return { kind: "failed", error: `${reason} (gave up after ${attempts} attempts)` };
    return { kind: "retry", delayMs: backoffMs(attempts), error: reason };
  }
  // 400 invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found, 410 channel_is_archived:
  // sending the same message again will not help.
  return { kind: "failed", error: reason };
}

export function classifyNetworkError(error: unknown, attempts: number): Outcome {
  const message = `network error: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`.slice(
    0,
    200,
  );
  if (attempts >= MAX_ATTEMPTS) return { kind: "failed", error: `${message} (gave up after ${attempts} attempts)` };
  return { kind: "retry", delayMs: backoffMs(attempts), error: message };
}

export interface DeliveryStats {
  delivered: number;
  retried: number;
  failed: number;
}

const BATCH = 50;
const SEND_TIMEOUT_MS = 15_000;

/**
 * Sends every due outbox row once. A row is marked delivered by a conditional update on its
 * pending status, so it is marked exactly once; the job's lease keeps one deliverer per store.
 */
export async function deliverDue(store: Store, options: { now?: () => number; signal?: AbortSignal } = {}): Promise<DeliveryStats> {
  const now = options.now ?? Date.now;
  const stats: DeliveryStats = { delivered: 0, retried: 0, failed: 0 };
  const settings = new Map<number, AlertSettings>();
  const due = await store.db
    .selectFrom("alert_outbox")
    .select(["id", "org_id", "payload", "attempts"])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now())
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(BATCH)
    .execute();
  // Orgs Slack asked to slow down: the rest of their rows wait for the next round.
  const paused = new Set<number>();
  for (const row of due) {
    if (options.signal?.aborted) break;
    if (paused.has(row.org_id)) continue;
    let s = settings.get(row.org_id);
    if (!s) {
      s = await getAlertSettings(store.db, row.org_id);
      settings.set(row.org_id, s);
    }
    const attempts = row.attempts + 1;
    let outcome: Outcome;
    const url = openWebhook(s);
    if (!url) {
      outcome = { kind: "failed", error: s.webhookSealed ? "the webhook cannot be decrypted (was the secret key changed?)" : "Slack is not connected" };
    } else {
      try {
        // The webhook came from Slack's OAuth answer, not from the operator: public addresses
        // only, checked at connect time; a redirect is not followed (lib/net/outbound.ts).
        const response = await untrustedFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: row.payload,
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        const body = await response.text().catch(() => "");
        outcome = classifyResponse(response.status, response.headers.get("retry-after"), body, attempts, now());
      } catch (error) {
        // A refused address or a redirect will be refused again: no retry.
        outcome = error instanceof BlockedUrlError ? { kind: "failed", error: error.message } : classifyNetworkError(error, attempts);
      }
    }
    const at = now();
    const base = store.db.updateTable("alert_outbox").where("id", "=", row.id).where("status", "=", "pending");
    if (outcome.kind === "delivered") {
      await base.set({ status: "delivered", delivered_at: at, attempts, last_error: null }).execute();
      stats.delivered++;
    } else if (outcome.kind === "retry") {
      await base.set({ attempts, next_attempt_at: at + outcome.delayMs, last_error: outcome.error }).execute();
      // The webhook is rate-limited or down for the whole organization: its other rows wait as long, in order.
      await store.db
        .updateTable("alert_outbox")
        .set({ next_attempt_at: at + outcome.delayMs })
        .where("org_id", "=", row.org_id)
        .where("status", "=", "pending")
        .where("next_attempt_at", "<", at + outcome.delayMs)
        .execute();
      stats.retried++;
      paused.add(row.org_id);
    } else {
      await base.set({ status: "failed", attempts, last_error: outcome.error }).execute();
      stats.failed++;
      console.error(`orgtrail: Slack alert ${row.id} not delivered: ${escapeControl(outcome.error)}`);
    }
  }
  return stats;
}

/** When the next pending row is due (ms since epoch), or null when none is pending. */
export async function nextDueAt(store: Store): Promise<number | null> {
  const row = await store.db
    .selectFrom("alert_outbox")
    .select((eb) => eb.fn.min("next_attempt_at").as("next"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? null : Number(row.next);
}
