/**
 * Throttles repeated authentication failures, per client address and per username, in
 * memory: after `limit` failures inside `windowMs` further attempts get 429 until the oldest
 * failure leaves the window. A success clears the username's record.
 */
export interface ThrottleOptions {
  limit: number;
  windowMs: number;
}

export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: ThrottleOptions) {}

  /** Seconds to wait before `key` may try again, or 0. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = this.prune(key, now);
    if (recent.length < this.options.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.options.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    const recent = this.prune(key, now);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 50_000) this.sweep(now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = now - this.options.windowMs;
    let i = 0;
    while (i < list.length && list[i]! <= cutoff) i++;
    if (i > 0) list.splice(0, i);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.prune(key, now);
  }
}

const holder = globalThis as unknown as { __orgtrailThrottle?: { byAddress: FailureThrottle; byUser: FailureThrottle } };

/** The server's throttles: 10 failures per username or 50 per address in 5 minutes. */
export function authThrottles() {
  holder.__orgtrailThrottle ??= {
    byUser: new FailureThrottle({ limit: 10, windowMs: 5 * 60_000 }),
    byAddress: new FailureThrottle({ limit: 50, windowMs: 5 * 60_000 }),
  };
  return holder.__orgtrailThrottle;
}
