import { describe, expect, it } from "vitest";
import type { UserRow } from "@/lib/activity/types";
import { neutralizeFormula, unneutralizeFormula, usersToCsv } from "@/lib/export/users-csv";

const HEADER = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';

const ana: UserRow = {
  username: "ana",
  name: "Ana A",
  email: "ana@acme.test",
  role: "admin",
  teams: ["vision", "nlp"],
  status: "active",
  lastActive: "2026-03-31T01:30:00.000Z",
  addedAt: "2025-06-01T09:00:00.000Z",
  activeDays: 2,
  reports: 2,
  runs: 40,
  modelsSeat: "Full",
};
const di: UserRow = {
  ...ana,
  username: null,
  name: null,
  email: "di@acme.test",
  role: null,
  teams: [],
  status: "invite_pending",
  lastActive: null,
  activeDays: 0,
  reports: 0,
  runs: 0,
  modelsSeat: null,
};

describe("usersToCsv", () => {
  it("writes the seed's header, quoted strings, bare numbers, sorted teams and the status label", () => {
    expect(usersToCsv([ana, di])).toBe(
      [
        HEADER,
        '"Ana A","ana","2026-03-31T01:30:00.000Z","admin","ana@acme.test","nlp, vision","Active",2,40,2,"Full"',
        '"","","","","di@acme.test","","Invite pending",0,0,0,""',
        "",
      ].join("\n"),
    );
  });
  it("labels every status", () => {
    const csv = usersToCsv([
      { ...ana, status: "deactivated" },
      { ...ana, status: "inactive" },
    ]);
    expect(csv).toContain('"Deactivated"');
    expect(csv).toContain('"Inactive"');
  });
  it("doubles embedded quotes and keeps commas and newlines inside the quotes", () => {
    const csv = usersToCsv([{ ...ana, name: 'Ana "the" A, PhD\nline 2' }]);
    expect(csv.split("\n")[1]).toBe('"Ana ""the"" A, PhD');
  });
  it("writes only the header for no users", () => {
    expect(usersToCsv([])).toBe(`${HEADER}\n`);
  });
});

describe("formula neutralization", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["\0=1", "'\0=1"],
    ["＝1+1", "'＝1+1"],
    ["＋1", "'＋1"],
    ["－1", "'－1"],
    ["＠x", "'＠x"],
    ["plain", "plain"],
    ["a=b", "a=b"],
    ["", ""],
    ["ok\n=HYPERLINK(1)", "ok\n'=HYPERLINK(1)"],
    ["ok\r\n@x\r-y", "ok\r\n'@x\r'-y"],
    ["=a\n+b", "'=a\n'+b"],
  ])("%j → %j", (input, want) => {
    expect(neutralizeFormula(input)).toBe(want);
    expect(unneutralizeFormula(neutralizeFormula(input))).toBe(input);
  });
  it("applies to every string cell", () => {
    const csv = usersToCsv([{ ...ana, name: "=cmd|' /C calc'!A0", email: "@evil", teams: ["-x"], role: "＋1" }]);
    const line = csv.split("\n")[1]!;
    expect(line.startsWith(`"'=cmd|' /C calc'!A0"`)).toBe(true);
    expect(line).toContain(`"'@evil"`);
    expect(line).toContain(`"'-x"`);
    expect(line).toContain(`"'＋1"`);
  });
  it("leaves a quote the export did not add", () => {
    expect(unneutralizeFormula("'quoted'")).toBe("'quoted'");
  });
});

describe("the export of the rows shown (the page writes them with this same code)", () => {
  it("ignores the list's extra inDirectory field: the same bytes as the server's rows", () => {
    const listed = [
      { ...ana, inDirectory: true },
      { ...di, inDirectory: false },
    ];
    expect(usersToCsv(listed)).toBe(usersToCsv([ana, di]));
  });
});
