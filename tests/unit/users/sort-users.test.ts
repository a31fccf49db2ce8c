// The users table's sort (components/users/user-columns.tsx): what the TanStack row model did
// before, without per-user row objects: missing text last in both directions, natural
// case-insensitive text order, Last Active by status group then time, ties in list order.
import { describe, expect, it } from "vitest";
import { lastActiveSortValue, sortedOrder, userColumns } from "@/components/users/user-columns";
import type { UserRow } from "@/lib/activity/types";

const user = (name: string | null, extra: Partial<UserRow> = {}): UserRow => ({
  username: name?.toLowerCase() ?? null,
  name,
  email: null,
  role: null,
  teams: [],
  status: "active",
  lastActive: null,
  addedAt: null,
  activeDays: 0,
  reports: 0,
  runs: 0,
  modelsSeat: null,
  ...extra,
});
const column = (id: string) => userColumns(false).find((c) => c.id === id)!;
const names = (users: UserRow[], order: number[]) => order.map((i) => users[i]!.name);

describe("sortedOrder", () => {
  const users = [user("bob"), user(null), user("Ana"), user("item 10"), user(""), user("item 9"), user("ana")];

  it("orders text naturally and case-insensitively, ties in list order, missing values last", () => {
    expect(names(users, sortedOrder(users, column("name"), false))).toEqual(["Ana", "ana", "bob", "item 9", "item 10", null, ""]);
  });

  it("keeps missing values last when descending, and ties in list order", () => {
    expect(names(users, sortedOrder(users, column("name"), true))).toEqual(["item 10", "item 9", "bob", "Ana", "ana", null, ""]);
  });

  it("sorts Last Active by status group, then time", () => {
    const rows = [
      user("a", { status: "deactivated" }),
      user("b", { lastActive: "2026-03-01T10:00:00.000Z" }),
      user("c", { status: "invite_pending" }),
      user("d", { lastActive: "2026-03-02T10:00:00.000Z" }),
      user("e", { status: "inactive", lastActive: "2025-01-01T00:00:00.000Z" }),
    ];
    const desc = sortedOrder(rows, column("lastActive"), true);
    expect(names(rows, desc)).toEqual(["d", "b", "e", "c", "a"]);
    const reference = rows.map((_, i) => i).sort((x, y) => lastActiveSortValue(rows[y]!) - lastActiveSortValue(rows[x]!));
    expect(desc).toEqual(reference);
    expect(names(rows, sortedOrder(rows, column("lastActive"), false))).toEqual(["a", "c", "e", "b", "d"]);
  });

  it("sorts active days as numbers, ties in list order either way", () => {
    const rows = [user("a", { activeDays: 3 }), user("b", { activeDays: 12 }), user("c", { activeDays: 3 })];
    expect(names(rows, sortedOrder(rows, column("activeDays"), true))).toEqual(["b", "a", "c"]);
    expect(names(rows, sortedOrder(rows, column("activeDays"), false))).toEqual(["a", "c", "b"]);
  });
});
