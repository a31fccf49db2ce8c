// The Users tab's search and status filter (lib/activity/user-filter.ts).
import { describe, expect, it } from "vitest";
import { filterUsers, matchesSearch, searchNeedle, statusCounts, type SearchableUser } from "@/lib/activity/user-filter";

const u = (email: string, status: SearchableUser["status"], teams: string[] = [], name: string | null = null): SearchableUser => ({
  email,
  status,
  teams,
  name,
  username: email.split("@")[0]!,
});

const users = [
  u("ana@x", "active", ["NLP", "vision"], "Ana Garcia"),
  u("bo@x", "inactive", ["vision"]),
  u("cy@x", "invite_pending"),
  u("di@x", "deactivated", ["nlp-research"]),
  u("eve@x", "active"),
];

describe("users search and status filter", () => {
  it("search is a case-insensitive substring of name, username, email or a team", () => {
    expect(matchesSearch(users[0]!, searchNeedle("  GARCIA "))).toBe(true);
    expect(matchesSearch(users[0]!, "nlp")).toBe(true);
    expect(filterUsers(users, "vision", "all").map((x) => x.email)).toEqual(["ana@x", "bo@x"]);
    expect(filterUsers(users, "nlp", "all").map((x) => x.email)).toEqual(["ana@x", "di@x"]);
    expect(filterUsers(users, "zzz", "all")).toEqual([]);
  });

  it("the filter combines with the search, in list order", () => {
    expect(filterUsers(users, "", "active").map((x) => x.email)).toEqual(["ana@x", "eve@x"]);
    expect(filterUsers(users, "vision", "inactive").map((x) => x.email)).toEqual(["bo@x"]);
    expect(filterUsers(users, "", "all")).toBe(users);
  });

  it("each filter counts the users matching the search", () => {
    expect(statusCounts(users, "")).toEqual({ all: 5, active: 2, inactive: 1, invite_pending: 1, deactivated: 1 });
    expect(statusCounts(users, "nlp")).toEqual({ all: 2, active: 1, inactive: 0, invite_pending: 0, deactivated: 1 });
  });
});
