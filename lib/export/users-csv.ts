/**
 * The users CSV export (SPEC §6, the seed's columns and format): comma separator, a header
 * row, every string double-quoted, numbers bare, LF line ends (as the seed's example).
 */
import { STATUS_LABELS } from "../activity/status";
import type { UserRow } from "../activity/types";
import { sortTeams } from "../activity/user-state";

export const USERS_CSV_COLUMNS = [
  "Name",
  "Username",
  "Last active",
  "Role",
  "Email",
  "Teams",
  "Status",
  "Number of Reports",
  "Number of Runs",
  "Number of active days",
  "Models Seat",
] as const;

/**
 * Characters a spreadsheet may read as the start of a formula: = + - @, tab, CR, NUL and the
 * full-width ＝ ＋ － ＠ (some spreadsheets fold them to ASCII).
 */
const FORMULA_START = /^[=+\-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20]/;
const FORMULA_CODES: ReadonlySet<number> = new Set([..."=+-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20"].map((c) => c.charCodeAt(0)));
/** The same characters at the start of any later line of a multi-line value. */
const FORMULA_LINE_START = /(\r\n|\n|\r)(?=[=+\-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20])/g;

/**
 * Neutralizes a cell a spreadsheet (or a line-based tool splitting a multi-line value)
 * would run as a formula: a single quote goes before the first character and before every
 * line that starts with a formula character. The quote is what spreadsheets themselves use
 * to mark "text"; the import strips it again.
 */
export function neutralizeFormula(value: string): string {
  // Most cells: no formula start and a single line (10,000 users make 110,000 cells).
  if (value === "" || (!FORMULA_CODES.has(value.charCodeAt(0)) && !/[\r\n]/.test(value))) return value;
  const lines = value.replace(FORMULA_LINE_START, "$1'");
  return FORMULA_START.test(lines) ? `'${lines}` : lines;
}

/** A string cell: double-quoted, formula-safe (null: empty). The events CSV writes its cells with this too. */
export function quoted(value: string | null): string {
  if (value === null) return '""';
  const safe = neutralizeFormula(value);
  return `"${safe.includes('"') ? safe.replace(/"/g, '""') : safe}"`;
}

/** A number cell, bare. */
export function bare(value: number): string {
  return Number.isFinite(value) ? String(value) : "0";
}

export function userToCsvRecord(user: UserRow): string {
  return [
    quoted(user.name),
    quoted(user.username),
    quoted(user.lastActive ?? ""),
    quoted(user.role),
    quoted(user.email),
    quoted(sortTeams(user.teams).join(", ")),
    quoted(STATUS_LABELS[user.status]),
    bare(user.reports),
    bare(user.runs),
    bare(user.activeDays),
    quoted(user.modelsSeat),
  ].join(",");
}

export const USERS_CSV_HEADER = USERS_CSV_COLUMNS.map((c) => `"${c}"`).join(",");

/** The whole file, header first, one line per user, ending with a line break. */
export function usersToCsv(users: readonly UserRow[]): string {
  return [USERS_CSV_HEADER, ...users.map(userToCsvRecord)].join("\n") + "\n";
}

/** Undoes neutralizeFormula (for re-importing an export): only quotes it would have added. */
export function unneutralizeFormula(value: string): string {
  const FORMULA = "[=+\\-@\\t\\r\\0\\uFF1D\\uFF0B\\uFF0D\\uFF20]";
  return value.replace(new RegExp(`^'(?=${FORMULA})`), "").replace(new RegExp(`(\\r\\n|\\n|\\r)'(?=${FORMULA})`, "g"), "$1");
}
