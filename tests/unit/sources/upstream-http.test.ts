import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  checkStatus,
  parseRetryAfter,
  RetryableError,
  UpstreamAuthError,
  UpstreamError,
  withRetry,
  type RetryPolicy,
} from "@/lib/sources/upstream-http";

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 1000, maxRetryAfterMs: 50 };

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP-dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter("-1")).toBeNull();
  });
});

describe("backoff", () => {
  it("doubles each attempt, with jitter in the upper half, up to the cap", () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(5);
    expect(backoffDelay(1, policy, () => 1)).toBe(10);
    expect(backoffDelay(2, policy, () => 1)).toBe(20);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(30);
    expect(backoffDelay(9, policy, () => 1)).toBe(40);
  });
});

describe("status classification", () => {
  const answer = (status: number, headers: Record<string, string> = {}, body = "") => new Response(body, { status, headers });
  it("401 and 403 stop with the status named", async () => {
    await expect(checkStatus(answer(401, {}, '{"error":{"code":"unauthorized","message":"invalid username or API key"}}'))).rejects.toThrow(
      "upstream answered 401 Unauthorized: check the username and API key (invalid username or API key)",
    );
    await expect(checkStatus(answer(403))).rejects.toBeInstanceOf(UpstreamAuthError);
  });
  it("408, 429 and 5xx are retryable, with Retry-After", async () => {
    const e = await checkStatus(answer(429, { "Retry-After": "2" })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RetryableError);
    expect((e as RetryableError).retryAfterMs).toBe(2000);
    for (const s of [408, 500, 502, 503, 504]) await expect(checkStatus(answer(s))).rejects.toBeInstanceOf(RetryableError);
  });
  it("another 4xx is a plain failure", async () => {
    await expect(checkStatus(answer(400, {}, '{"error":{"message":"invalid numDays"}}'))).rejects.toThrow("upstream answered 400: invalid numDays");
    await expect(checkStatus(answer(404))).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe("withRetry", () => {
  it("retries retryable failures, honouring Retry-After (capped), then succeeds", async () => {
    const waits: number[] = [];
    let n = 0;
    const result = await withRetry(
      policy,
      async () => {
        n++;
        if (n === 1) throw new RetryableError("429", 1000);
        if (n === 2) throw new TypeError("fetch failed");
        return "ok";
      },
      { onRetry: (r) => waits.push(r.delayMs), random: () => 1 },
    );
    expect(result).toBe("ok");
    expect(waits).toEqual([50, 20]);
  });
  it("gives up after maxAttempts naming the last reason", async () => {
    let n = 0;
    await expect(
      withRetry(policy, async () => {
        n++;
        throw new RetryableError("upstream answered 503");
      }),
    ).rejects.toThrow("upstream answered 503; gave up after 4 attempts");
    expect(n).toBe(4);
  });
  it("does not retry a 401", async () => {
    let n = 0;
    await expect(
      withRetry(policy, async () => {
        n++;
        throw new UpstreamAuthError(401, "");
      }),
    ).rejects.toBeInstanceOf(UpstreamAuthError);
    expect(n).toBe(1);
  });
  it("times out an attempt that makes no progress", async () => {
    let n = 0;
    await expect(
      withRetry({ ...policy, timeoutMs: 30, maxAttempts: 2 }, (w) => {
        n++;
        return new Promise((_, reject) => w.signal.addEventListener("abort", () => reject(new Error("aborted"))));
      }),
    ).rejects.toThrow(/did not answer within/);
    expect(n).toBe(2);
  });
});
