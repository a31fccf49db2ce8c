/**
 * Parses a users CSV in the export's format (the seed's columns, header required). The
 * computed columns (Last active, Status, Number of active days) are read past: the store
 * computes them from events.
 */
import Papa from "papaparse";
import { USERS_CSV_COLUMNS, unneutralizeFormula } from "../export/users-csv";
import { emailKeyOf } from "../ingest/identity";
import { cleanTeams, isEmail, UsersImportError, type DirectoryEntry, type DirectoryRejection, type ParsedDirectory } from "./directory-entry";

type Column = (typeof USERS_CSV_COLUMNS)[number];
const BY_LOWER = new Map<string, Column>(USERS_CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
const MAX_COUNT = 1_000_000_000;

function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset: number) => {
    for (; at < offset && at < text.length; at++) {
      const ch = text.charCodeAt(at);
      // CRLF counts once: the LF after a CR is skipped.
      if (ch === 10 && (at === 0 || text.charCodeAt(at - 1) !== 13)) line++;
      else if (ch === 13) line++;
    }
    return line;
  };
}

function parseCount(raw: string, column: Column): number | string {
  const value = raw.trim();
  if (value === "") return 0;
  if (!/^\d+$/.test(value) || Number(value) > MAX_COUNT) return `${column}: expected a whole number, got ${JSON.stringify(raw.slice(0, 40))}`;
  return Number(value);
}

export function parseUsersCsv(input: string): ParsedDirectory {
  const text = input.replace(/^\uFEFF/, "");
  const lineAt = lineCounter(text);
  let header: (Column | null)[] | null = null;
  let headerFields = 0;
  let rowStart = 0;
  const entries: DirectoryEntry[] = [];
  const rejected: DirectoryRejection[] = [];
  const firstLineOf = new Map<string, number>();
  let fatal: string | null = null;

  Papa.parse<string[]>(text, {
    delimiter: ",",
    skipEmptyLines: false,
    step: (result, parser) => {
      const line = lineAt(rowStart);
      rowStart = result.meta.cursor;
      const quoteError = result.errors.find((e) => e.type === "Quotes");
      if (quoteError) {
        fatal = `line ${line}: malformed CSV (${quoteError.message})`;
        parser.abort();
        return;
      }
      const fields = result.data;
      if (fields.length === 1 && fields[0]!.trim() === "") return; // blank line
      if (header === null) {
        header = [];
        const seen = new Set<Column>();
        for (const raw of fields) {
          const name = BY_LOWER.get(raw.trim().toLowerCase()) ?? null;
          if (name === null) {
            fatal = `line ${line}: not a users CSV header: unknown column ${JSON.stringify(raw.slice(0, 60))} (expected the export's columns: ${USERS_CSV_COLUMNS.join(", ")})`;
            parser.abort();
            return;
          }
          if (seen.has(name)) {
            fatal = `line ${line}: column "${name}" appears twice in the header`;
            parser.abort();
            return;
          }
          seen.add(name);
          header.push(name);
        }
        if (!seen.has("Email") && !seen.has("Username")) {
          fatal = `line ${line}: the header has neither an "Email" nor a "Username" column`;
          parser.abort();
          return;
        }
        headerFields = fields.length;
        return;
      }
      if (fields.length !== headerFields) {
        rejected.push({ line, error: `expected ${headerFields} fields as in the header, found ${fields.length}` });
        return;
      }
      const cell = new Map<Column, string>();
      header.forEach((name, i) => {
        if (name !== null) cell.set(name, unneutralizeFormula(fields[i] ?? ""));
      });
      const entry = toEntry(line, cell);
      if (typeof entry === "string") {
        rejected.push({ line, error: entry });
        return;
      }
      const key = entry.email !== null ? `e:${emailKeyOf(entry.email)}` : `u:${entry.username ?? ""}`;
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) {
        rejected.push({ line, error: `the same user as line ${earlier} (${entry.email ?? entry.username})` });
        return;
      }
      firstLineOf.set(key, line);
      entries.push(entry);
    },
  });
  if (fatal !== null) throw new UsersImportError(fatal);
  if (header === null) throw new UsersImportError("line 1: empty input: a users CSV needs its header row");
  return { format: "csv", entries, rejected };
}

function text(cell: Map<Column, string>, column: Column): string | null | undefined {
  if (!cell.has(column)) return undefined;
  const value = cell.get(column)!.trim();
  return value === "" ? null : value;
}

function toEntry(line: number, cell: Map<Column, string>): DirectoryEntry | string {
  const email = text(cell, "Email") ?? null;
  const username = text(cell, "Username") ?? null;
  if (email === null && username === null) return "a user needs an Email or a Username";
  if (email !== null && !isEmail(email)) return `Email: not an email address: ${JSON.stringify(email.slice(0, 80))}`;
  const entry: DirectoryEntry = { line, externalId: null, email, username };
  const name = text(cell, "Name");
  if (name !== undefined) entry.name = name;
  const role = text(cell, "Role");
  if (role !== undefined) entry.role = role;
  const seat = text(cell, "Models Seat");
  if (seat !== undefined) entry.modelsSeat = seat;
  if (cell.has("Teams")) entry.teams = cleanTeams(cell.get("Teams")!.split(","));
  for (const [column, field] of [
    ["Number of Reports", "reports"],
    ["Number of Runs", "runs"],
  ] as const) {
    if (!cell.has(column)) continue;
    const n = parseCount(cell.get(column)!, column);
    if (typeof n === "string") return n;
    entry[field] = n;
  }
  return entry;
}
