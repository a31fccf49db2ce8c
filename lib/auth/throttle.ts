/**
 * Throttles repeated authentication failures per client (lib/auth/authorize.ts), in memory:
 * after `limit` failures inside `windowMs`, the client's further failures answer 429 until
 * the oldest of them leaves the window. A correct key is never refused (authorize.ts checks
 * the key first): API keys are 256-bit random, so guessing is not the threat, lockout is.
 *
 * Memory is bounded: at most `limit` times per key, and at most `maxKeys` keys; past that,
 * expired keys are swept, then the least recently failing ones are dropped.
 */
export interface ThrottleOptions {
  limit: number;
  windowMs: number;
  /** Clients tracked at most (default 10,000). */
  maxKeys?: number;
}

export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly options: ThrottleOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Seconds `key` must wait before its failures stop being refused, or 0. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = this.prune(key, now);
    if (recent.length < this.options.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.options.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    const recent = this.prune(key, now);
    recent.push(now);
    if (recent.length > this.options.limit) recent.splice(0, recent.length - this.options.limit);
    // Re-inserted at the end: the Map's order is then least recently failing first.
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > this.maxKeys) this.shrink(now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.failures.size;
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

  private shrink(now: number): void {
    for (const key of [...this.failures.keys()]) this.prune(key, now);
    // Still full of live entries (a flood from many addresses): forget the oldest tenth.
    if (this.failures.size > this.maxKeys) {
      let drop = this.failures.size - Math.floor(this.maxKeys * 0.9);
      for (const key of this.failures.keys()) {
        if (drop-- <= 0) break;
        this.failures.delete(key);
      }
    }
  }
}

const holder = globalThis as unknown as { __orgtrailClientThrottle?: FailureThrottle };

/** The server's throttle: 50 failures per client address (IPv6: per /64) in 5 minutes. */
export function authThrottle(): FailureThrottle {
  holder.__orgtrailClientThrottle ??= new FailureThrottle({ limit: 50, windowMs: 5 * 60_000 });
  return holder.__orgtrailClientThrottle;
}
