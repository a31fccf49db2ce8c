import { describe, expect, it } from "vitest";
import { FailureThrottle } from "@/lib/auth/throttle";
import { parseBasicAuth } from "@/lib/auth/basic";
import { secretMatches, hashSecret } from "@/lib/auth/keys";

describe("FailureThrottle", () => {
  it("blocks after the limit inside the window, and lets go when the oldest failure expires", () => {
    const t = new FailureThrottle({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    t.fail("u", t0);
    t.fail("u", t0 + 10_000);
    expect(t.retryAfter("u", t0 + 10_001)).toBe(0);
    t.fail("u", t0 + 20_000);
    expect(t.retryAfter("u", t0 + 20_001)).toBe(40);
    expect(t.retryAfter("other", t0 + 20_001)).toBe(0);
    expect(t.retryAfter("u", t0 + 60_001)).toBe(0);
  });

  it("keeps its memory bounded: a few times per key, a few keys in all", () => {
    const t = new FailureThrottle({ limit: 5, windowMs: 60_000, maxKeys: 1_000 });
    for (let i = 0; i < 100_000; i++) t.fail(`203.0.${i >> 8}.${i & 255}`, 1_000 + i);
    expect(t.size).toBeLessThanOrEqual(1_000);
    // The latest clients are still tracked; one hammering key keeps only `limit` times.
    for (let i = 0; i < 10_000; i++) t.fail("hammer", 200_000 + i);
    expect(t.retryAfter("hammer", 210_000)).toBeGreaterThan(0);
    expect((t as unknown as { failures: Map<string, number[]> }).failures.get("hammer")!.length).toBe(5);
  });

  it("forgets a key's failures when cleared", () => {
    const t = new FailureThrottle({ limit: 1, windowMs: 60_000 });
    t.fail("u", 0);
    expect(t.retryAfter("u", 1)).toBeGreaterThan(0);
    t.clear("u");
    expect(t.retryAfter("u", 2)).toBe(0);
  });
});

describe("parseBasicAuth", () => {
  const b64 = (s: string) => "Basic " + Buffer.from(s, "utf8").toString("base64");
  it("splits at the first colon (keys may contain colons)", () => {
    expect(parseBasicAuth(b64("demo:p@55:w0rd"))).toEqual({ username: "demo", key: "p@55:w0rd" });
    expect(parseBasicAuth("Basic ZGVtbzpwQDU1dzByZA==")).toEqual({ username: "demo", key: "p@55w0rd" });
  });
  it.each([
    null,
    "",
    "Bearer x",
    "Basic",
    "Basic !!!",
    b64("nocolon"),
    b64(":key"),
    b64("user:"),
    "Basic " + Buffer.from([0x75, 0x3a, 0xff]).toString("base64"),
  ])("refuses %j", (header) => expect(parseBasicAuth(header)).toBeNull());
});

describe("secretMatches", () => {
  it("compares digests, so keys of any length are safe to compare", () => {
    const stored = hashSecret("otk_abc");
    expect(secretMatches("otk_abc", stored)).toBe(true);
    expect(secretMatches("otk_ab", stored)).toBe(false);
    expect(secretMatches("x".repeat(10_000), stored)).toBe(false);
    expect(secretMatches("é", stored)).toBe(false);
    expect(secretMatches("otk_abc", "not-hex")).toBe(false);
  });
});
