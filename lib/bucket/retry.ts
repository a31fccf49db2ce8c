export interface RetryOptions {
  /** Tries in all (default 3). */
  attempts?: number;
  /** Wait before the second try; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Runs `fn` until it succeeds or the tries run out (then throws the last error). */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)));
    }
  }
}
