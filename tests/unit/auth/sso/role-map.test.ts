import { describe, expect, it } from "vitest";
import { claimStrings, mappedOrgs, parseRoleMap, rolesForGroups } from "@/lib/auth/sso/role-map";

describe("parseRoleMap", () => {
  it("reads the compact form, commas or new lines, spaces around entries", () => {
    expect(parseRoleMap("orgtrail-admins=default:admin, auditors=default:auditor\nauditors = research:auditor")).toEqual([
      { group: "orgtrail-admins", org: "default", role: "admin" },
      { group: "auditors", org: "default", role: "auditor" },
      { group: "auditors", org: "research", role: "auditor" },
    ]);
  });

  it("splits an entry at its last =, so a group may contain = (Keycloak paths, DN-like names without commas)", () => {
    expect(parseRoleMap("/orgtrail/admins=default:admin,cn=ops=default:auditor")).toEqual([
      { group: "/orgtrail/admins", org: "default", role: "admin" },
      { group: "cn=ops", org: "default", role: "auditor" },
    ]);
  });

  it("reads the JSON form, for group names with commas", () => {
    expect(parseRoleMap('{"cn=admins,ou=groups,dc=example": "default:admin", "auditors": ["default:auditor", "research:auditor"]}')).toEqual([
      { group: "cn=admins,ou=groups,dc=example", org: "default", role: "admin" },
      { group: "auditors", org: "default", role: "auditor" },
      { group: "auditors", org: "research", role: "auditor" },
    ]);
  });

  it("is empty when unset or blank", () => {
    expect(parseRoleMap(undefined)).toEqual([]);
    expect(parseRoleMap("  \n ")).toEqual([]);
  });

  it.each([
    ["admins", /expected GROUP=ORG:ROLE/],
    ["admins=default", /expected ORG:ROLE/],
    ["admins=default:owner", /role must be admin, auditor or member/],
    ["admins=bad org:admin", /invalid organization/],
    ["=default:admin", /the group is empty/],
    ["{not json", /not valid JSON/],
    ['["admins"]', /expected GROUP=ORG:ROLE/],
    ['{"admins": 3}', /must be "org:role"/],
  ])("refuses %j", (text, message) => {
    expect(() => parseRoleMap(text)).toThrow(message);
  });
});

describe("rolesForGroups", () => {
  const map = parseRoleMap("admins=default:admin,auditors=default:auditor,auditors=research:auditor,staff=research:member");

  it("gives the highest mapped role per organization", () => {
    expect(Object.fromEntries(rolesForGroups(map, ["auditors", "admins"]))).toEqual({ default: "admin", research: "auditor" });
    expect(Object.fromEntries(rolesForGroups(map, ["staff"]))).toEqual({ research: "member" });
  });

  it("gives nothing for unmapped groups", () => {
    expect(rolesForGroups(map, ["interns", "Admins"]).size).toBe(0);
  });

  it("names each mapped organization once", () => {
    expect(mappedOrgs(map)).toEqual(["default", "research"]);
  });
});

describe("claimStrings", () => {
  it("reads an array of strings, skipping other values", () => {
    expect(claimStrings({ groups: ["a", 3, "b", null] }, "groups")).toEqual(["a", "b"]);
  });

  it("reads a single string", () => {
    expect(claimStrings({ role: "admins" }, "role")).toEqual(["admins"]);
  });

  it("follows a dotted path into objects (Keycloak realm roles)", () => {
    expect(claimStrings({ realm_access: { roles: ["orgtrail-admin"] } }, "realm_access.roles")).toEqual(["orgtrail-admin"]);
  });

  it("prefers a claim whose name contains the dots (namespaced claims)", () => {
    expect(claimStrings({ "https://example.com/groups": ["x"] }, "https://example.com/groups")).toEqual(["x"]);
  });

  it("is empty for a missing or non-string claim", () => {
    expect(claimStrings({}, "groups")).toEqual([]);
    expect(claimStrings({ groups: { a: 1 } }, "groups")).toEqual([]);
    expect(claimStrings({ a: "x" }, "a.b")).toEqual([]);
  });
});
