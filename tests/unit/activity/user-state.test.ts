import { describe, expect, it } from "vitest";
import {
  addedAtMs,
  buildUserRow,
  deriveStatus,
  isListed,
  lifecycleState,
  summarizeUserDays,
  teamsFromEvents,
  teamsOf,
  type LifecycleRow,
  type UserRecord,
} from "@/lib/activity/user-state";
import { isActiveResponse } from "@/lib/audit/event";
import { dayNumber, formatDate, parseDate, parseRfc3339 } from "@/lib/audit/timestamp";

const day = (s: string) => parseDate(s)!;
const ms = (s: string) => {
  const p = parseRfc3339(s);
  if (!p.ok) throw new Error(p.error);
  return p.ms;
};
const asOfDay = day("2026-03-31");
let seq = 0;
const lc = (action: string, ts: string, entity: string | null = null, s?: number): LifecycleRow => ({
  seq: s ?? ++seq,
  ts: ms(ts),
  action,
  entity_name: entity,
});
const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: 1,
  email: "x@acme.test",
  username: null,
  name: null,
  role: null,
  teams: null,
  models_seat: null,
  reports: 0,
  runs: 0,
  in_directory: 0,
  directory_created_at: null,
  directory_active: null,
  first_seen_at: ms("2026-01-01T00:00:00Z"),
  first_invited_at: null,
  ...over,
});

describe("active events and UTC days", () => {
  it("an offset moves a late login to the next UTC day", () => {
    expect(formatDate(dayNumber(ms("2026-03-30T23:30:00-02:00")))).toBe("2026-03-31");
    expect(formatDate(dayNumber(ms("2026-03-31T00:30:00+01:00")))).toBe("2026-03-30");
  });
  it("a failed attempt (4xx/5xx) is not activity; no code or < 400 is", () => {
    expect(isActiveResponse(401)).toBe(false);
    expect(isActiveResponse(400)).toBe(false);
    expect(isActiveResponse(500)).toBe(false);
    expect(isActiveResponse(399)).toBe(true);
    expect(isActiveResponse(200)).toBe(true);
    expect(isActiveResponse(null)).toBe(true);
  });
});

describe("deriveStatus", () => {
  const base = { deactivated: false, asOfDay, deployment: "self-managed" as const };
  it("active on the six-month edge day, inactive the day before", () => {
    expect(deriveStatus({ ...base, lastActiveMs: ms("2025-09-30T00:00:00Z") })).toBe("active");
    expect(deriveStatus({ ...base, lastActiveMs: ms("2025-09-29T23:59:59.999Z") })).toBe("inactive");
  });
  it("month-end clamp: asOf 2026-08-31 keeps 2026-02-28 active", () => {
    expect(deriveStatus({ ...base, asOfDay: day("2026-08-31"), lastActiveMs: ms("2026-02-28T10:00:00Z") })).toBe("active");
    expect(deriveStatus({ ...base, asOfDay: day("2026-08-31"), lastActiveMs: ms("2026-02-27T23:00:00Z") })).toBe("inactive");
  });
  it("never active: invite pending, but inactive ('-') in multi-tenant mode", () => {
    expect(deriveStatus({ ...base, lastActiveMs: null })).toBe("invite_pending");
    expect(deriveStatus({ ...base, lastActiveMs: null, deployment: "multi-tenant" })).toBe("inactive");
    expect(deriveStatus({ ...base, lastActiveMs: null, deployment: "dedicated" })).toBe("invite_pending");
  });
  it("deactivated wins over everything", () => {
    expect(deriveStatus({ ...base, deactivated: true, lastActiveMs: ms("2026-03-31T00:00:00Z") })).toBe("deactivated");
    expect(deriveStatus({ ...base, deactivated: true, lastActiveMs: null })).toBe("deactivated");
  });
});

describe("lifecycleState", () => {
  it("deactivate then reactivate is not deactivated; the reverse is", () => {
    expect(lifecycleState([lc("user:deactivate", "2026-01-01T00:00:00Z"), lc("user:reactivate", "2026-02-01T00:00:00Z")], asOfDay).deactivated).toBe(false);
    expect(lifecycleState([lc("user:reactivate", "2026-01-01T00:00:00Z"), lc("user:deactivate", "2026-02-01T00:00:00Z")], asOfDay).deactivated).toBe(true);
  });
  it("orders by time, not by the order rows arrive in", () => {
    const rows = [lc("user:reactivate", "2026-02-01T00:00:00Z", null, 1), lc("user:deactivate", "2026-01-01T00:00:00Z", null, 2)];
    expect(lifecycleState(rows, asOfDay).deactivated).toBe(false);
  });
  it("breaks a same-millisecond tie by log order (seq)", () => {
    const t = "2026-01-01T00:00:00Z";
    expect(lifecycleState([lc("user:reactivate", t, null, 8), lc("user:deactivate", t, null, 7)], asOfDay).deactivated).toBe(false);
    expect(lifecycleState([lc("user:reactivate", t, null, 7), lc("user:deactivate", t, null, 8)], asOfDay).deactivated).toBe(true);
  });
  it("ignores lifecycle events after the end of the asOf day", () => {
    expect(lifecycleState([lc("user:deactivate", "2026-03-31T23:59:59.999Z")], asOfDay).deactivated).toBe(true);
    expect(lifecycleState([lc("user:deactivate", "2026-04-01T00:00:00Z")], asOfDay).deactivated).toBe(false);
    expect(lifecycleState([lc("user:delete", "2026-04-01T00:00:00Z")], asOfDay).gone).toBe(false);
  });
  it("a delete as the latest lifecycle event makes the user gone; a later create revives", () => {
    expect(lifecycleState([lc("user:create", "2025-01-01T00:00:00Z"), lc("user:delete", "2026-03-26T12:00:00Z")], asOfDay).gone).toBe(true);
    expect(lifecycleState([lc("user:permanently_delete", "2026-03-26T12:00:00Z")], asOfDay).gone).toBe(true);
    expect(lifecycleState([lc("user:delete", "2026-01-01T00:00:00Z"), lc("user:create", "2026-02-01T00:00:00Z")], asOfDay).gone).toBe(false);
    expect(lifecycleState([lc("user:delete", "2026-01-01T00:00:00Z"), lc("team:invite_user", "2026-02-01T00:00:00Z", "nlp")], asOfDay).gone).toBe(false);
  });
});

describe("teams", () => {
  it("invite adds, a later uninvite of the same team removes", () => {
    const rows = [
      lc("team:invite_user", "2026-01-01T00:00:00Z", "vision"),
      lc("team:invite_user", "2026-01-02T00:00:00Z", "nlp"),
      lc("team:uninvite", "2026-01-03T00:00:00Z", "vision"),
    ];
    expect(teamsFromEvents(rows, asOfDay)).toEqual(["nlp"]);
  });
  it("re-invited after an uninvite counts; uninvites after asOf do not", () => {
    const rows = [
      lc("team:invite_user", "2026-01-01T00:00:00Z", "vision"),
      lc("team:uninvite", "2026-01-02T00:00:00Z", "vision"),
      lc("team:invite_user", "2026-01-03T00:00:00Z", "vision"),
      lc("team:invite_user", "2026-01-03T00:00:00Z", "nlp"),
      lc("team:uninvite", "2026-04-01T00:00:00Z", "nlp"),
    ];
    expect(teamsFromEvents(rows, asOfDay)).toEqual(["nlp", "vision"]);
  });
  it("the directory's teams win for a directory user", () => {
    const rows = [lc("team:invite_user", "2026-01-01T00:00:00Z", "vision")];
    expect(teamsOf({ in_directory: 1, teams: '["z","a"]' }, rows, asOfDay)).toEqual(["a", "z"]);
    expect(teamsOf({ in_directory: 1, teams: null }, rows, asOfDay)).toEqual(["vision"]);
    expect(teamsOf({ in_directory: 0, teams: null }, rows, asOfDay)).toEqual(["vision"]);
  });
});

describe("date added and listing", () => {
  it("directory creation, else first invite, else first event", () => {
    const u = user({
      directory_created_at: ms("2025-01-01T00:00:00Z"),
      first_invited_at: ms("2025-02-01T00:00:00Z"),
      first_seen_at: ms("2025-01-15T00:00:00Z"),
    });
    expect(addedAtMs(u, asOfDay)).toBe(ms("2025-01-01T00:00:00Z"));
    expect(addedAtMs({ ...u, directory_created_at: null }, asOfDay)).toBe(ms("2025-02-01T00:00:00Z"));
    expect(addedAtMs({ ...u, directory_created_at: null, first_invited_at: null }, asOfDay)).toBe(ms("2025-01-15T00:00:00Z"));
  });
  it("ignores an invite after asOf", () => {
    const u = user({ first_invited_at: ms("2026-04-01T00:00:00Z"), first_seen_at: ms("2026-03-01T00:00:00Z") });
    expect(addedAtMs(u, asOfDay)).toBe(ms("2026-03-01T00:00:00Z"));
  });
  it("a user only seen after asOf is not listed; a directory user is", () => {
    const later = user({ first_seen_at: ms("2026-04-01T00:00:00Z") });
    expect(isListed(later, { gone: false, deactivated: false }, asOfDay)).toBe(false);
    expect(isListed({ ...later, first_seen_at: ms("2026-03-31T23:59:59.999Z") }, { gone: false, deactivated: false }, asOfDay)).toBe(true);
    expect(isListed({ ...later, in_directory: 1 }, { gone: false, deactivated: false }, asOfDay)).toBe(true);
    expect(isListed({ ...later, in_directory: 1, directory_created_at: ms("2026-04-02T00:00:00Z") }, { gone: false, deactivated: false }, asOfDay)).toBe(false);
    expect(isListed({ ...later, in_directory: 1 }, { gone: true, deactivated: false }, asOfDay)).toBe(false);
  });
});

describe("summarizeUserDays", () => {
  const rows = [
    { day: day("2025-05-07"), last_ts: ms("2025-05-07T10:00:00Z") },
    { day: day("2025-05-08"), last_ts: ms("2025-05-08T10:00:00Z") },
    { day: day("2026-03-31"), last_ts: ms("2026-03-31T01:30:00Z") },
    { day: day("2026-04-01"), last_ts: ms("2026-04-01T09:00:00Z") },
  ];
  it("counts days up to asOf", () => {
    expect(summarizeUserDays(rows, { asOfDay, deployment: "self-managed" })).toEqual({ activeDays: 3, lastActiveMs: ms("2026-03-31T01:30:00Z") });
  });
  it("multi-tenant counts nothing before 2025-05-08", () => {
    expect(summarizeUserDays(rows, { asOfDay, deployment: "multi-tenant" }).activeDays).toBe(2);
    const early = summarizeUserDays(rows.slice(0, 1), { asOfDay, deployment: "multi-tenant" });
    expect(early).toEqual({ activeDays: 0, lastActiveMs: null });
  });
});

describe("buildUserRow", () => {
  it("keeps a deactivated user's past activity", () => {
    const row = buildUserRow(
      user({ email: "eve@acme.test", first_seen_at: ms("2026-02-02T12:00:00Z") }),
      { activeDays: 1, lastActiveMs: ms("2026-02-02T12:00:00Z") },
      [lc("user:deactivate", "2026-03-01T12:00:00Z")],
      { asOfDay, deployment: "self-managed" },
    );
    expect(row).toMatchObject({ status: "deactivated", activeDays: 1, lastActive: "2026-02-02T12:00:00.000Z", addedAt: "2026-02-02T12:00:00.000Z" });
  });
  it("SCIM active:false shows deactivated", () => {
    const row = buildUserRow(user({ in_directory: 1, directory_active: 0 }), { activeDays: 0, lastActiveMs: null }, [], {
      asOfDay,
      deployment: "self-managed",
    });
    expect(row?.status).toBe("deactivated");
  });
  it("SCIM active:false shows deactivated on a dedicated instance and removes the member in multi-tenant mode", () => {
    const inactive = user({ in_directory: 1, directory_active: 0 });
    const activity = { activeDays: 1, lastActiveMs: ms("2026-03-25T12:00:00Z") };
    expect(buildUserRow(inactive, activity, [], { asOfDay, deployment: "dedicated" })?.status).toBe("deactivated");
    expect(buildUserRow(inactive, activity, [], { asOfDay, deployment: "multi-tenant" })).toBeNull();
    expect(buildUserRow(user({ in_directory: 1, directory_active: 1 }), activity, [], { asOfDay, deployment: "multi-tenant" })?.status).toBe("active");
  });
  it("a deleted user is not listed", () => {
    expect(
      buildUserRow(user(), { activeDays: 1, lastActiveMs: ms("2026-03-25T12:00:00Z") }, [lc("user:delete", "2026-03-26T12:00:00Z")], {
        asOfDay,
        deployment: "self-managed",
      }),
    ).toBeNull();
  });
  it("a user deleted after asOf is still listed as of asOf", () => {
    const row = buildUserRow(user(), { activeDays: 1, lastActiveMs: ms("2026-03-25T12:00:00Z") }, [lc("user:delete", "2026-04-26T12:00:00Z")], {
      asOfDay,
      deployment: "self-managed",
    });
    expect(row?.status).toBe("active");
  });
});
