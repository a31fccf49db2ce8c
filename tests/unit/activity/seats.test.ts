// The dormant seats worklist (lib/activity/seats.ts; definitions in docs/DASHBOARD.md), on
// hand-built users as of 2026-03-31: asOf − 90 days is 2025-12-31, asOf − 30 days 2026-03-01.
import { describe, expect, it } from "vitest";
import { seatListTitle, seatWorklist, type SeatUser } from "@/lib/activity/seats";

const user = (email: string, extra: Partial<SeatUser>): SeatUser => ({
  name: null,
  username: null,
  email,
  teams: [],
  status: "active",
  lastActive: null,
  addedAt: null,
  ...extra,
});

describe("seatWorklist", () => {
  const users = [
    user("edge@x", { lastActive: "2025-12-31T23:59:00.000Z" }), // exactly 90 days: not more than 90
    user("over@x", { lastActive: "2025-12-30T00:00:00.000Z" }), // 91 days
    user("old@x", { status: "inactive", lastActive: "2025-01-10T08:00:00.000Z" }),
    user("never@x", { status: "invite_pending", addedAt: "2026-01-05T00:00:00.000Z" }),
    user("fresh-invite@x", { status: "invite_pending", addedAt: "2026-03-01T12:00:00.000Z" }), // exactly 30 days
    user("unknown-added@x", { status: "invite_pending", addedAt: null }),
    user("off-teams@x", { status: "deactivated", lastActive: "2024-01-01T00:00:00.000Z", teams: [] }),
    user("on-teams@x", { status: "deactivated", teams: ["nlp"] }),
    user("b-on-teams@x", { status: "deactivated", teams: ["vision", "nlp"] }),
  ];

  it("inactive for more than N days: last active before asOf − N, deactivated and never-active users left out", () => {
    const lists = seatWorklist(users, "2026-03-31", 90);
    expect(lists.inactive.map((u) => u.email)).toEqual(["old@x", "over@x"]);
    expect(seatWorklist(users, "2026-03-31", 30).inactive.map((u) => u.email)).toEqual(["old@x", "over@x", "edge@x"]);
    expect(seatWorklist(users, "2026-03-31", 180).inactive.map((u) => u.email)).toEqual(["old@x"]);
  });

  it("invites pending for more than 30 days: added before asOf − 30; unknown date added left out", () => {
    expect(seatWorklist(users, "2026-03-31", 90).pendingInvites.map((u) => u.email)).toEqual(["never@x"]);
    expect(seatWorklist(users, "2026-04-01", 90).pendingInvites.map((u) => u.email)).toEqual(["never@x", "fresh-invite@x"]);
  });

  it("deactivated users still on teams, by name", () => {
    expect(seatWorklist(users, "2026-03-31", 90).deactivatedOnTeams.map((u) => u.email)).toEqual(["b-on-teams@x", "on-teams@x"]);
  });

  it("refuses a malformed asOf", () => {
    expect(() => seatWorklist(users, "2026-02-30", 90)).toThrow(/asOf/);
  });

  it("titles name the threshold", () => {
    expect(seatListTitle("inactive", 60)).toBe("Inactive for more than 60 days");
    expect(seatListTitle("pendingInvites", 60)).toBe("Invites pending for more than 30 days");
  });
});
