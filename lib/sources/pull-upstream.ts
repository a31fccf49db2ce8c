import { topLevelArrayElements } from "../audit/json-scan";
import { formatDate, parseDate } from "../audit/timestamp";
import type { Store } from "../db/client";
import type { Deployment } from "../env";
import { checkOperatorUrl } from "../net/outbound";
import { ingestNdjson, type IngestSummary, type Rejection } from "../ingest/ingest-ndjson";
import { loadCheckpoint, saveCheckpoint, saveJobProgress } from "../jobs/state";
import { computeProgress, type PullPhase, type PullProgress } from "./pull-progress";
import {
  basicAuth,
  bodyChunks,
  fetchAuditLogAnswer,
  RetryableError,
  UpstreamAuthError,
  UpstreamError,
  withRetry,
  type RetryNotice,
  type RetryPolicy,
  type Watchdog,
} from "./upstream-http";
import { findHistoryStart, type HistoryStart } from "./upstream-probe";
import { checkpointName, endpointUrl, parseCheckpoint, planWindows, requestUrl, windowParams, type DayWindow, type PullCheckpoint } from "./upstream-plan";

export interface PullOptions {
  url: string;
  username: string;
  apiKey: string;
  orgId: number;
  orgSlug: string;
  deployment: Deployment;
  /** Today's UTC day number (the last day fetched). */
  today: number;
  /** Start here whatever the checkpoint says (a backfill). */
  since?: number;
  /** Start here when there is no checkpoint (default: the earliest day the upstream holds). */
  initialSince?: number;
  /** Events per request when the upstream pages by cursor. */
  pageSize: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** After each page or window, and at the end (also written to job_state.progress, at most once a second). */
  onProgress?(p: PullProgress, window: string): void;
  /** A first pull found where the upstream's history starts. */
  onHistoryStart?(start: HistoryStart): void;
  onReject?(window: string, r: Rejection): void;
  onRetry?(window: string, n: RetryNotice): void;
}

export interface PullSummary {
  /** Events received (those of a retried request may count twice). */
  fetched: number;
  accepted: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  requests: number;
  windows: number;
  /** How the upstream answered: JSON pages with a cursor, or NDJSON day windows. */
  mode: "cursor" | "ndjson" | null;
  /** The checkpoint after the run: every day before it is complete. */
  nextDay: string | null;
}

export interface PullResult {
  summary: PullSummary;
  /** Why the pull stopped early (401/403, retries exhausted, a bad answer); null when it finished. */
  error: UpstreamError | UpstreamAuthError | null;
}

type Page = { kind: "envelope"; events: string[]; nextCursor: string | null } | { kind: "ingested"; summary: IngestSummary };

const encoder = new TextEncoder();

/** The page's events as NDJSON, each line the event's text exactly as the upstream sent it. */
async function* ndjsonOf(events: string[]): AsyncGenerator<Uint8Array> {
  if (events.length > 0) yield encoder.encode(events.join("\n") + "\n");
}

async function* textChunks(text: string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(text);
}

/**
 * An envelope page, or null when the JSON is something else (then it is read as NDJSON). The
 * events are the raw text of each element of `audit_logs` (never re-serialized: a bad event
 * is quarantined as received, and no nesting depth can make a serializer throw).
 */
function readEnvelope(text: string): { events: string[]; nextCursor: string | null } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || !Array.isArray((value as { audit_logs?: unknown }).audit_logs)) return null;
  const env = value as { audit_logs: unknown[]; next_cursor?: unknown };
  const next = env.next_cursor;
  if (next !== undefined && next !== null && (typeof next !== "string" || next === "")) throw new UpstreamError("upstream answered an unreadable next_cursor");
  const events = topLevelArrayElements(text, "audit_logs");
  if (events === null || events.length !== env.audit_logs.length) throw new UpstreamError("upstream answered an unreadable audit_logs array");
  return { events, nextCursor: typeof next === "string" ? next : null };
}

/** Progress goes to job_state at most this often (and at every phase change). */
const PROGRESS_WRITE_MS = 1000;

/**
 * Fetches the upstream's audit log from the checkpoint (or `since`) to today into the store,
 * window by window, oldest first; saves the checkpoint after each window, and after each page
 * when the upstream pages by cursor, only once what was fetched is committed. A first pull
 * (no checkpoint, no since) starts at the earliest day the upstream holds (upstream-probe.ts).
 */
export async function pullUpstream(store: Store, o: PullOptions): Promise<PullResult> {
  const endpoint = endpointUrl(o.url);
  // The operator chose this URL: private and loopback addresses are fine, metadata ones are not
  // (lib/net/outbound.ts checks again at each connection; redirects are refused).
  await checkOperatorUrl(endpoint);
  const name = checkpointName(endpoint, o.username, o.orgSlug);
  const saved = parseCheckpoint(await loadCheckpoint(store.db, name));
  // null: a first pull, which looks for the upstream's earliest day before fetching.
  let from: number | null = o.since ?? (saved ? parseDate(saved.nextDay)! : (o.initialSince ?? null));
  // Where the history being copied starts, kept in the checkpoint for progress across runs.
  let historyStart: string | undefined = saved ? saved.firstDay : from !== null ? formatDate(from) : undefined;
  const summary: PullSummary = {
    fetched: 0,
    accepted: 0,
    duplicates: 0,
    skipped: 0,
    rejected: 0,
    requests: 0,
    windows: 0,
    mode: null,
    nextDay: saved?.nextDay ?? null,
  };
  const auth = basicAuth(o.username, o.apiKey);
  const save = async (checkpoint: PullCheckpoint) => {
    await saveCheckpoint(store.db, name, JSON.stringify(historyStart ? { ...checkpoint, firstDay: historyStart } : checkpoint));
    summary.nextDay = checkpoint.nextDay;
  };

  const startedAt = Date.now();
  let doneThrough = from === null ? o.today : from - 1;
  let lastWrite = 0;
  const report = async (phase: PullPhase, window: string, error: string | null = null) => {
    const base = o.since ?? (historyStart ? parseDate(historyStart) : from);
    const p = computeProgress({
      phase,
      source: `${endpoint.origin}${endpoint.pathname}`,
      org: o.orgSlug,
      firstDay: base,
      today: o.today,
      doneThrough,
      doneAtStart: from === null ? o.today : from - 1,
      counts: summary,
      startedAt,
      now: Date.now(),
      error,
    });
    o.onProgress?.(p, window);
    if (phase === "fetching" && Date.now() - lastWrite < PROGRESS_WRITE_MS) return;
    lastWrite = Date.now();
    await saveJobProgress(store.db, name, JSON.stringify(p));
  };

  const add = (s: IngestSummary) => {
    summary.fetched += s.accepted + s.duplicates + s.skipped + s.rejectedTotal;
    summary.accepted += s.accepted;
    summary.duplicates += s.duplicates;
    summary.skipped += s.skipped;
    summary.rejected += s.rejectedTotal;
  };

  // A line that cannot be stored is quarantined (source `pull`, the window as its origin) and
  // the pull moves on: the checkpoint advances past it like past any other line.
  const ingest = async (label: string, chunks: AsyncIterable<Uint8Array>, onFlush?: (s: IngestSummary) => void, origin = label) =>
    ingestNdjson(store, o.orgId, chunks, {
      deployment: o.deployment,
      source: { kind: "pull", origin: `${endpoint.href} ${origin}` },
      maxRejectionsKept: 0,
      onReject: (r) => o.onReject?.(label, r),
      onProgress: onFlush,
    });

  /** One request: a JSON page is returned to the caller; NDJSON is streamed into the store here. */
  const fetchPage = (w: DayWindow, label: string, cursor: string | null): Promise<Page> =>
    withRetry(
      o.retry,
      async (watchdog: Watchdog) => {
        summary.requests++;
        const { response, json: text } = await fetchAuditLogAnswer(requestUrl(endpoint, w, o.pageSize, cursor), auth, watchdog);
        if (text !== null) {
          const envelope = readEnvelope(text);
          if (envelope) return { kind: "envelope", ...envelope };
          // An envelope that does not parse was cut short: fetch the page again.
          if (/^\s*\{\s*"audit_logs"/.test(text)) throw new RetryableError("upstream answered a cut JSON page");
          return { kind: "ingested", summary: await ingest(label, textChunks(text)) };
        }
        // NDJSON is streamed into the store; a cut stream is fetched again, its repeats deduplicated.
        let partial: IngestSummary | null = null;
        try {
          return { kind: "ingested", summary: await ingest(label, bodyChunks(response, watchdog), (s) => (partial = { ...s })) };
        } catch (error) {
          if (partial) add(partial);
          throw error;
        }
      },
      { signal: o.signal, onRetry: (n) => o.onRetry?.(label, n) },
    );

  let label = "probe";
  try {
    if (from === null) {
      await report("probing", label);
      const found = await findHistoryStart({
        endpoint,
        auth,
        today: o.today,
        deployment: o.deployment,
        retry: o.retry,
        signal: o.signal,
        onRequest: () => summary.requests++,
        onRetry: o.onRetry,
      });
      from = found.day ?? o.today;
      historyStart = formatDate(from);
      doneThrough = from - 1;
      o.onHistoryStart?.(found);
      // Found once: a run killed from here on resumes without probing again.
      await save({ v: 1, nextDay: historyStart });
      await report("fetching", label);
    }
    for (const w of planWindows(from, o.today)) {
      const params = windowParams(w);
      label = w.first === w.last ? formatDate(w.first) : `${formatDate(w.first)}..${formatDate(w.last)}`;
      const nextDay = formatDate(Math.min(w.last + 1, o.today));
      let cursor: string | null = null;
      if (saved?.page && saved.page.startDate === params.startDate && saved.page.numDays === params.numDays && o.since === undefined) {
        cursor = saved.page.cursor;
      }
      const seen = new Set<string>();
      let pageNo = 0;
      for (;;) {
        if (o.signal?.aborted) throw o.signal.reason;
        const page = await fetchPage(w, label, cursor);
        if (page.kind === "ingested") {
          summary.mode ??= "ndjson";
          add(page.summary);
          break;
        }
        summary.mode = "cursor";
        add(await ingest(label, ndjsonOf(page.events), undefined, `${label} page ${++pageNo}`));
        if (page.nextCursor === null) break;
        if (seen.has(page.nextCursor)) throw new UpstreamError("upstream repeated a cursor; stopping rather than looping");
        seen.add(page.nextCursor);
        cursor = page.nextCursor;
        await save({ v: 1, nextDay: formatDate(w.first), page: { ...params, cursor } });
        await report("fetching", label);
      }
      summary.windows++;
      await save({ v: 1, nextDay });
      doneThrough = w.last;
      await report("fetching", label);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await report("stopped", label, message).catch(() => {});
    if (error instanceof UpstreamError || error instanceof UpstreamAuthError) return { summary, error };
    throw error;
  }
  await report("done", label);
  return { summary, error: null };
}
