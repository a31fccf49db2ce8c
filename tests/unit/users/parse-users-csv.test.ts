import { describe, expect, it } from "vitest";
import { UsersImportError } from "@/lib/users/directory-entry";
import { parseUsersCsv } from "@/lib/users/parse-users-csv";

const HEADER = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';

describe("parseUsersCsv", () => {
  it("reads the export's format, ignoring the computed columns", () => {
    const parsed = parseUsersCsv(`${HEADER}\n"Ana A","ana","2026-03-31T01:30:00.000Z","admin","ana@acme.test","nlp, vision","Active",2,40,7,"Full"\n`);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 2,
        externalId: null,
        email: "ana@acme.test",
        username: "ana",
        name: "Ana A",
        role: "admin",
        teams: ["nlp", "vision"],
        modelsSeat: "Full",
        reports: 2,
        runs: 40,
      },
    ]);
  });
  it("accepts CRLF, a BOM, case-insensitive headers and a subset of the columns", () => {
    const parsed = parseUsersCsv(`\uFEFFemail,USERNAME,Teams\r\nbo@acme.test,bo,\r\n`);
    expect(parsed.entries).toEqual([{ line: 2, externalId: null, email: "bo@acme.test", username: "bo", teams: [] }]);
  });
  it("empty cells are null, empty counts are 0", () => {
    const parsed = parseUsersCsv(`${HEADER}\n"","","","","x@acme.test","","","","","",""\n`);
    expect(parsed.entries[0]).toMatchObject({ name: null, username: null, role: null, modelsSeat: null, reports: 0, runs: 0, teams: [] });
  });
  it("rejects bad rows by line, keeping the others (multi-line cells counted)", () => {
    const csv = [
      HEADER,
      '"Multi\nline","m","","","m@acme.test","","",0,0,0,""',
      '"No one","","","","","","",0,0,0,""',
      '"Bad","b","","","b@acme.test","","",two,0,0,""',
      '"Neg","n","","","n@acme.test","","",0,-3,0,""',
      '"Short","s"',
      '"Bad email","e","","","not-an-email","","",0,0,0,""',
      '"Dup","m2","","","M@acme.test","","",0,0,0,""',
      '"Ok","ok","","","ok@acme.test","","",1,1,0,""',
    ].join("\n");
    const parsed = parseUsersCsv(csv);
    expect(parsed.entries.map((e) => [e.line, e.username])).toEqual([
      [2, "m"],
      [10, "ok"],
    ]);
    expect(parsed.rejected).toEqual([
      { line: 4, error: "a user needs an Email or a Username" },
      { line: 5, error: 'Number of Reports: expected a whole number, got "two"' },
      { line: 6, error: 'Number of Runs: expected a whole number, got "-3"' },
      { line: 7, error: "expected 11 fields as in the header, found 2" },
      { line: 8, error: 'Email: not an email address: "not-an-email"' },
      { line: 9, error: "the same user as line 2 (M@acme.test)" },
    ]);
  });
  it("strips the quote the export adds before a formula", () => {
    const parsed = parseUsersCsv(`${HEADER}\n"'=Ana","ana","","","a@acme.test","'-x, y","",0,0,0,""\n`);
    expect(parsed.entries[0]).toMatchObject({ name: "=Ana", teams: ["-x", "y"] });
  });
  it("refuses input that is not a users CSV, naming the line", () => {
    expect(() => parseUsersCsv("")).toThrow(UsersImportError);
    expect(() => parseUsersCsv("foo,bar\n1,2\n")).toThrow(/line 1: not a users CSV header: unknown column "foo"/);
    expect(() => parseUsersCsv('"Name","Role"\n"a","b"\n')).toThrow(/neither an "Email" nor a "Username"/);
    expect(() => parseUsersCsv('"Email","email"\n')).toThrow(/appears twice/);
    expect(() => parseUsersCsv(`${HEADER}\n"a"b","x","","","a@b","","",0,0,0,""\n`)).toThrow(/line 2: malformed CSV/);
  });
});
