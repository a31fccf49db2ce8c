import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT, isLoopbackUrl, safeNextPath } from "@/lib/auth/sso/urls";

describe("safeNextPath", () => {
  it.each([
    ["/org/users?asOf=2026-03-31", "/org/users?asOf=2026-03-31"],
    ["/org/dashboard#panel", "/org/dashboard#panel"],
    ["/org/../org/users", "/org/users"],
  ])("keeps the same-site path %j", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "/\t/evil.example",
    "/%09/evil.example".replace("%09", "\t"),
    "/\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/org/dashboard",
    "http://orgtrail.invalid@evil.example/",
    "javascript:alert(1)",
    "/.//evil.example",
    " //evil.example",
  ])("refuses %j, which a browser would take off-site", (next) => {
    expect(safeNextPath(next)).toBe(DEFAULT_NEXT);
  });

  it("falls back to the dashboard when there is no next", () => {
    expect(safeNextPath(undefined)).toBe(DEFAULT_NEXT);
    expect(safeNextPath("")).toBe(DEFAULT_NEXT);
  });
});

describe("isLoopbackUrl", () => {
  it.each(["http://127.0.0.1:9400", "http://127.1.2.3/", "http://localhost:8080/realms/x", "http://[::1]:9400"])("%s is loopback", (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each(["http://10.0.0.1", "http://127.0.0.1.evil.example", "http://localhost.evil.example", "https://idp.example.com", "not a url"])("%s is not", (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});
