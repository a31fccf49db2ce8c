import { describe, expect, it } from "vitest";
import { routeTemplate } from "@/lib/metrics/http-metrics";

describe("HTTP metrics route label", () => {
  it("is the path of a static route", () => {
    expect(routeTemplate("/api/v1/users/export.csv")).toBe("/api/v1/users/export.csv");
    expect(routeTemplate("/admin/audit_logs")).toBe("/admin/audit_logs");
    expect(routeTemplate("/")).toBe("/");
  });

  it("replaces dynamic segments by their names, never their values", () => {
    expect(routeTemplate("/api/v1/users/alice%40x.test/sessions", { id: "alice@x.test" })).toBe("/api/v1/users/[id]/sessions");
    expect(routeTemplate("/api/v1/orgs/acme/users/42", { org: "acme", id: "42" })).toBe("/api/v1/orgs/[org]/users/[id]");
    expect(routeTemplate("/files/a/b/c", { path: ["a", "b", "c"] })).toBe("/files/[...path]");
  });

  it("masks anything that does not look like a literal segment", () => {
    expect(routeTemplate("/api/v1/users/bob@x.test")).toBe("/api/v1/users/[param]");
    expect(routeTemplate("/x/10.0.0.1:80")).toBe("/x/[param]");
    expect(routeTemplate("/x/10.0.0.1/42")).toBe("/x/[param]/[param]");
  });
});
