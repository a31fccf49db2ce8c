// Finding 3 of issue 13: after sign-in, only a same-origin path, read as a browser reads it.
import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT, safeNextPath } from "@/lib/web/safe-next";

const ORIGIN = "https://orgtrail.example.com";

describe("safeNextPath", () => {
  it.each([
    ["/org/dashboard", "/org/dashboard"],
    ["/org/dashboard?tab=activity&asOf=2026-03-31", "/org/dashboard?tab=activity&asOf=2026-03-31"],
    ["/org/settings#slack", "/org/settings#slack"],
    ["/org/../org/settings", "/org/settings"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"], // an encoded slash stays a path segment
    ["/@evil.example", "/@evil.example"],
    ["/a b", "/a%20b"],
  ])("keeps the same-origin path %j", (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected);
  });

  it.each([
    ["the reported bypass: a tab the browser strips", "/\t/evil.example"],
    ["a newline the browser strips", "/\n/evil.example"],
    ["a carriage return", "/\r/evil.example"],
    ["protocol-relative", "//evil.example"],
    ["three slashes", "///evil.example"],
    ["a backslash (a slash to a browser)", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["slash-backslash-tab", "/\\\t/evil.example"],
    ["dot segments that normalize to //", "/.//evil.example"],
    ["dot-dot segments that normalize to //", "/..//evil.example"],
    ["an absolute URL elsewhere", "https://evil.example/"],
    ["an absolute URL to this origin (not a path)", "https://orgtrail.example.com/org/settings"],
    ["scheme-relative with a scheme", "https:evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["a leading space", " //evil.example"],
    ["a NUL", "/\u0000/evil.example"],
    ["another control character", "/\u001b[31m"],
    ["DEL", "/\u007f/evil.example"],
    ["a relative path", "org/dashboard"],
    ["empty", ""],
    ["too long", `/${"a".repeat(5000)}`],
  ])("refuses %s", (_what, next) => {
    expect(safeNextPath(next, ORIGIN)).toBe(DEFAULT_NEXT);
  });

  it("refuses what is not a string, and uses the caller's fallback", () => {
    expect(safeNextPath(undefined)).toBe(DEFAULT_NEXT);
    expect(safeNextPath(null)).toBe(DEFAULT_NEXT);
    expect(safeNextPath("//evil.example", ORIGIN, "/signin")).toBe("/signin");
  });

  it("gives the same verdict without an origin", () => {
    expect(safeNextPath("/\t/evil.example")).toBe(DEFAULT_NEXT);
    expect(safeNextPath("/org/settings")).toBe("/org/settings");
  });
});
