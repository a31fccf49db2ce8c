/** HTTP to an upstream audit-log API: Basic auth, timeouts, retries with backoff and jitter. */
import { operatorFetch } from "../net/outbound";
import { BlockedUrlError } from "../net/ssrf";

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest wait for the answer's headers, and between two chunks of its body. */
  timeoutMs: number;
  /** A Retry-After longer than this is cut down to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 300_000,
};

/** 401 or 403: retrying cannot help, the credentials or the role must change. */
export class UpstreamAuthError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(
      `upstream answered ${status} ${status === 401 ? "Unauthorized: check the username and API key" : "Forbidden: the account must be an organization admin"}${detail ? ` (${detail})` : ""}`,
    );
  }
}

/** A failure that retrying did not (or cannot) fix. */
export class UpstreamError extends Error {}

/** A failure worth another attempt: 408, 429, 5xx, a network error, a timeout, a cut body. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at) || !/[a-z]/i.test(v)) return null;
  return Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export function basicAuth(username: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${username}:${apiKey}`, "utf8").toString("base64")}`;
}

/** Short text of an error answer, for messages (the body may be JSON `{"error":{"message"}}`). */
async function errorDetail(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).slice(0, 2000);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof body.error === "string" ? body.error : body.error?.message;
    if (typeof message === "string") return message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** Turns a non-2xx answer into the matching error (it consumes the body). */
export async function checkStatus(response: Response): Promise<void> {
  if (response.ok) return;
  const status = response.status;
  const detail = await errorDetail(response);
  if (status === 401 || status === 403) throw new UpstreamAuthError(status, detail);
  if (status === 408 || status === 429 || status >= 500) {
    throw new RetryableError(`upstream answered ${status}${detail ? ` (${detail})` : ""}`, parseRetryAfter(response.headers.get("retry-after")));
  }
  throw new UpstreamError(`upstream answered ${status}${detail ? `: ${detail}` : ""}`);
}

/** An attempt's abort signal, fired by the caller's signal or by `timeoutMs` without progress. */
export class Watchdog {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOuterAbort = () => this.controller.abort(this.outer?.reason);
  timedOut = false;

  constructor(
    readonly timeoutMs: number,
    private readonly outer?: AbortSignal,
  ) {
    outer?.addEventListener("abort", this.onOuterAbort);
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Progress was made: the timeout starts again. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error("timeout"));
    }, this.timeoutMs);
    this.timer.unref?.();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onOuterAbort);
  }
}

/** The body's chunks; each one resets the watchdog, and a failed read becomes retryable. */
export async function* bodyChunks(response: Response, watchdog: Watchdog): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw asRetryable(error, watchdog);
      }
      if (next.done) return;
      watchdog.touch();
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

export async function readBodyText(response: Response, watchdog: Watchdog): Promise<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = "";
  for await (const chunk of bodyChunks(response, watchdog)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * One request of the audit-log API (operator's URL): the answer after its status is checked,
 * with the whole text when it is a JSON page (`json`, invalid UTF-8 retryable), or null when
 * it is NDJSON (the body left for the caller to stream).
 */
export async function fetchAuditLogAnswer(url: string, auth: string, watchdog: Watchdog): Promise<{ response: Response; json: string | null }> {
  const response = await operatorFetch(url, {
    headers: { Authorization: auth, Accept: "application/x-ndjson, application/json" },
    signal: watchdog.signal,
  });
  watchdog.touch();
  await checkStatus(response);
  const type = (response.headers.get("content-type") ?? "").toLowerCase();
  if (!type.includes("json") || type.includes("ndjson")) return { response, json: null };
  const json = await readBodyText(response, watchdog).catch((error: unknown) => {
    throw error instanceof TypeError ? new RetryableError("upstream answered invalid UTF-8") : error;
  });
  return { response, json };
}

/** Network failures and timeouts are retryable; an abort by the caller is not. */
export function asRetryable(error: unknown, watchdog: Watchdog): unknown {
  if (error instanceof RetryableError || error instanceof UpstreamError || error instanceof UpstreamAuthError) return error;
  // A refused address or a redirect: asking again gets the same answer.
  if (error instanceof BlockedUrlError) return new UpstreamError(error.message);
  if (watchdog.timedOut) return new RetryableError(`upstream did not answer within ${Math.round(watchdog.timeoutMs / 1000)} s`);
  if (watchdog.signal.aborted) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new RetryableError(`network error: ${reason}`);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  reason: string;
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or `maxAttempts` is reached
 * (then an UpstreamError naming the last reason). Retry-After, when given, sets the wait.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (watchdog: Watchdog) => Promise<T>,
  options: { signal?: AbortSignal; onRetry?: (n: RetryNotice) => void; random?: () => number } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    const watchdog = new Watchdog(policy.timeoutMs, options.signal);
    let failure: unknown;
    try {
      return await attempt(watchdog);
    } catch (error) {
      failure = asRetryable(error, watchdog);
    } finally {
      watchdog.dispose();
    }
    if (!(failure instanceof RetryableError)) throw failure;
    if (n >= policy.maxAttempts) throw new UpstreamError(`${failure.message}; gave up after ${n} attempts`);
    const delayMs = failure.retryAfterMs !== null ? Math.min(failure.retryAfterMs, policy.maxRetryAfterMs) : backoffDelay(n, policy, options.random);
    options.onRetry?.({ attempt: n, delayMs, reason: failure.message });
    await sleep(delayMs, options.signal);
  }
}
