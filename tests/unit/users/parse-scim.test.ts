import { describe, expect, it } from "vitest";
import { UsersImportError } from "@/lib/users/directory-entry";
import { parseScimUsers, SCIM_LIST_RESPONSE, SCIM_USER } from "@/lib/users/parse-scim";

const list = (resources: unknown[]) => JSON.stringify({ schemas: [SCIM_LIST_RESPONSE], totalResults: resources.length, Resources: resources });

describe("parseScimUsers", () => {
  it("maps a SCIM User", () => {
    const parsed = parseScimUsers(
      list([
        {
          schemas: [SCIM_USER],
          id: "VXNlcjox",
          userName: "ana",
          name: { givenName: "Ana", familyName: "A" },
          emails: [{ value: "old@acme.test" }, { value: "Ana@Acme.test", primary: true }],
          roles: [{ value: "admin" }, { value: "member" }],
          groups: [
            { value: "g1", display: "vision" },
            { value: "g2", display: "nlp" },
          ],
          meta: { resourceType: "User", created: "2025-06-01T09:00:00+02:00" },
          active: false,
        },
      ]),
    );
    expect(parsed.rejected).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 1,
        externalId: "VXNlcjox",
        email: "Ana@Acme.test",
        username: "ana",
        name: "Ana A",
        role: "admin",
        teams: ["vision", "nlp"],
        createdAt: Date.UTC(2025, 5, 1, 7),
        active: false,
      },
    ]);
  });
  it("maps the platform's own User: one emails object with Value, organizationRole, teamRoles, any attribute case", () => {
    const parsed = parseScimUsers(
      list([
        {
          active: true,
          displayName: "Dev User 1",
          emails: { Value: "dev-user1@test.com", Display: "", Type: "", Primary: true },
          id: "abc",
          meta: { resourceType: "User", created: "2023-10-01T00:00:00Z", lastModified: "2023-10-01T00:00:00Z", location: "Users/abc" },
          schemas: [SCIM_USER],
          userName: "dev-user1",
          organizationRole: "admin",
          teamRoles: [
            { teamName: "team1", roleName: "member" },
            { teamName: "team2", roleName: "admin" },
          ],
        },
        {
          ID: "def",
          USERNAME: "dev-user2",
          Emails: [{ Value: "x@test.com" }, { Value: "dev-user2@test.com", Primary: true }],
          Active: false,
          Meta: { Created: "2024-01-02T03:04:05Z" },
        },
      ]),
    );
    expect(parsed.rejected).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 1,
        externalId: "abc",
        email: "dev-user1@test.com",
        username: "dev-user1",
        name: "Dev User 1",
        role: "admin",
        teams: ["team1", "team2"],
        createdAt: Date.UTC(2023, 9, 1),
        active: true,
      },
      { line: 2, externalId: "def", email: "dev-user2@test.com", username: "dev-user2", createdAt: Date.UTC(2024, 0, 2, 3, 4, 5), active: false },
    ]);
  });
  it("takes organizationRole over roles, and the primary role otherwise", () => {
    const parsed = parseScimUsers(
      list([
        { id: "1", userName: "a", organizationRole: "viewer", roles: [{ value: "admin" }] },
        { id: "2", userName: "b", roles: [{ value: "member" }, { value: "admin", primary: true }] },
        { id: "3", userName: "c", emails: { value: "not-an-email" } },
      ]),
    );
    expect(parsed.entries.map((e) => e.role)).toEqual(["viewer", "admin"]);
    expect(parsed.rejected).toEqual([{ line: 3, error: 'Resources[2]: emails.value: not an email address: "not-an-email"' }]);
  });
  it("prefers name.formatted and leaves absent fields undefined", () => {
    const parsed = parseScimUsers(list([{ id: "2", userName: "bo", name: { formatted: "Bo B.", givenName: "Bo" } }]));
    expect(parsed.entries).toEqual([{ line: 1, externalId: "2", email: null, username: "bo", name: "Bo B." }]);
  });
  it("rejects bad resources by index", () => {
    const parsed = parseScimUsers(
      list([
        { id: "1", userName: "a", meta: { created: "2025-02-30T00:00:00Z" } },
        { id: "2" },
        { id: "3", userName: "c", active: "yes" },
        { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: "4", displayName: "team" },
        { id: "5", userName: "e", emails: [{ value: "nope" }] },
        { id: "6", userName: "ok", emails: [{ value: "ok@acme.test" }] },
        { id: "7", userName: "dup", emails: [{ value: "OK@acme.test" }] },
        "x",
      ]),
    );
    expect(parsed.entries.map((e) => e.externalId)).toEqual(["6"]);
    expect(parsed.rejected).toEqual([
      { line: 1, error: 'Resources[0]: meta.created: day out of range in "2025-02-30T00:00:00Z"' },
      { line: 2, error: "Resources[1]: a user needs emails or a userName" },
      { line: 3, error: "Resources[2]: active: must be true or false" },
      { line: 4, error: `Resources[3]: schemas: not a SCIM User (expected "${SCIM_USER}")` },
      { line: 5, error: 'Resources[4]: emails.value: not an email address: "nope"' },
      { line: 7, error: "Resources[6]: the same user as Resources[5]" },
      { line: 8, error: "Resources[7]: must be a SCIM User object" },
    ]);
  });
  it("refuses a document that is not a ListResponse", () => {
    expect(() => parseScimUsers("{")).toThrow(/invalid JSON/);
    expect(() => parseScimUsers("[]")).toThrow(UsersImportError);
    expect(() => parseScimUsers(JSON.stringify({ schemas: ["urn:x"], Resources: [] }))).toThrow(/schemas: not a SCIM 2.0 ListResponse/);
    expect(() => parseScimUsers(JSON.stringify({ schemas: [SCIM_LIST_RESPONSE], Resources: {} }))).toThrow(/Resources: must be an array/);
  });
});
