import { describe, expect, it } from "vitest";
import { backoffMs, classifyNetworkError, classifyResponse, MAX_ATTEMPTS, parseRetryAfter } from "@/lib/alerts/deliver";

describe("delivery outcomes", () => {
  const now = Date.UTC(2026, 2, 31, 12);

  it("2xx is delivered", () => {
    expect(classifyResponse(200, null, "ok", 1)).toEqual({ kind: "delivered" });
  });

  it("429 waits as long as Retry-After says (seconds or a date), else backs off", () => {
    expect(classifyResponse(429, "3", "", 1, now)).toMatchObject({ kind: "retry", delayMs: 3000 });
    expect(classifyResponse(429, new Date(now + 10_000).toUTCString(), "", 1, now)).toMatchObject({ kind: "retry", delayMs: 10_000 });
    expect(classifyResponse(429, null, "", 2, now)).toMatchObject({ kind: "retry", delayMs: backoffMs(2) });
    expect(parseRetryAfter("999999")).toBe(3_600_000);
    expect(parseRetryAfter("soon")).toBeNull();
  });

  it("5xx and network errors back off exponentially, then give up", () => {
    expect(classifyResponse(503, null, "", 1)).toMatchObject({ kind: "retry", delayMs: 5000 });
    expect(classifyResponse(500, null, "", 3)).toMatchObject({ kind: "retry", delayMs: 20_000 });
    expect(classifyResponse(500, null, "", MAX_ATTEMPTS).kind).toBe("failed");
    expect(classifyNetworkError(new Error("ECONNREFUSED"), 1)).toMatchObject({ kind: "retry" });
    expect(backoffMs(30)).toBe(15 * 60_000);
  });

  it("other 4xx (invalid_payload, no_service, channel_is_archived) fail at once", () => {
    expect(classifyResponse(404, null, "no_service", 1)).toEqual({ kind: "failed", error: "HTTP 404: no_service" });
    expect(classifyResponse(410, null, "channel_is_archived", 1).kind).toBe("failed");
  });
});
