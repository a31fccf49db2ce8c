import { describe, expect, it } from "vitest";
import { identityFromClaims } from "@/lib/auth/sso/accounts";

const base = { iss: "https://idp.example.com", sub: "u-1", email: " Ada@Example.COM " };

describe("identityFromClaims", () => {
  it("lower-cases and trims the email, reads the groups claim", () => {
    expect(identityFromClaims({ ...base, email_verified: true, groups: ["a", "b"] }, "groups")).toEqual({
      issuer: "https://idp.example.com",
      subject: "u-1",
      email: "ada@example.com",
      emailVerified: true,
      groups: ["a", "b"],
    });
  });

  it.each([
    [{ email_verified: true }, true],
    [{ email_verified: "true" }, true],
    [{ email_verified: false }, false],
    [{ email_verified: "false" }, false],
    [{ email_verified: 1 }, false],
    [{}, false],
    // Entra ID: no email_verified, the optional claim xms_edov instead.
    [{ xms_edov: true }, true],
    [{ xms_edov: false }, false],
    // An explicit email_verified: false is never overridden.
    [{ email_verified: false, xms_edov: true }, false],
  ])("%j -> verified %s", (claims, verified) => {
    expect(identityFromClaims({ ...base, ...claims }, "groups").emailVerified).toBe(verified);
  });

  it("has no email when the claim is missing or blank", () => {
    expect(identityFromClaims({ iss: "i", sub: "s", email_verified: true }, "groups").email).toBeNull();
    expect(identityFromClaims({ iss: "i", sub: "s", email: "  ", email_verified: true }, "groups").email).toBeNull();
  });
});
