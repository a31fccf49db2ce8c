import { describe, expect, it } from "vitest";
import { planScimDirectory, readScimGroups, SCIM_GROUP } from "@/lib/users/scim-directory";

describe("planScimDirectory", () => {
  it("gives each user the teams whose members name it, with its own teamRoles, and no team to a user no group names", () => {
    const users = [
      { id: "u1", userName: "ana", emails: [{ value: "ana@acme.test" }], teamRoles: [{ teamName: "vision", roleName: "admin" }] },
      { id: "u2", userName: "bo", emails: { Value: "bo@acme.test" } },
      { id: "u3", userName: "cy" },
    ];
    const groups = [
      { schemas: [SCIM_GROUP], id: "g1", displayName: "nlp", members: [{ value: "u1", display: "ana" }, { Value: "u2" }, { value: "ghost" }] },
      { id: "g2", displayName: "vision", members: [{ value: "u1" }, { value: "g1", type: "Group" }] },
      { id: "g3", displayName: "empty" },
    ];
    const plan = planScimDirectory(users, groups);
    expect(plan.rejected).toEqual([]);
    expect(plan.entries.map((e) => [e.username, e.teams])).toEqual([
      ["ana", ["vision", "nlp"]],
      ["bo", ["nlp"]],
      ["cy", []],
    ]);
  });
  it("reports groups it cannot read and keeps the rest", () => {
    const { teamsByMember, rejected } = readScimGroups([
      { id: "g1", members: [{ value: "u1" }] },
      { schemas: ["urn:x"], id: "g2", displayName: "x" },
      { id: "g3", displayName: "ok", members: {} },
      "nope",
      { id: "g5", DisplayName: "fine", Members: [{ VALUE: 7 }] },
    ]);
    expect(rejected).toEqual([
      { line: 1, error: "Groups[0]: displayName: a team needs a name" },
      { line: 2, error: `Groups[1]: schemas: not a SCIM Group (expected "${SCIM_GROUP}")` },
      { line: 3, error: "Groups[2]: members: must be an array" },
      { line: 4, error: "Groups[3]: must be a SCIM Group object" },
    ]);
    expect([...teamsByMember]).toEqual([["7", ["fine"]]]);
  });
});
