import { USERS_CSV_COLUMNS } from "../export/users-csv";
import { buildModel, type ModelsSeat, type Role } from "./model";
import { resolveOptions, type GenerateOptions } from "./options";

export interface DirectoryUser {
  name: string;
  username: string;
  email: string;
  role: Role;
  /** Team names, sorted. */
  teams: string[];
  modelsSeat?: ModelsSeat;
  reports: number;
  runs: number;
}

/** The organization's directory (what a users CSV or SCIM lists): exactly `opts.users` people. */
export function generateDirectory(opts: GenerateOptions): DirectoryUser[] {
  const model = buildModel(resolveOptions(opts));
  return model.people.slice(0, model.directoryCount).map((p) => ({
    name: p.name,
    username: p.username,
    email: p.email,
    role: p.role,
    teams: p.teams.map((t) => model.teams[t]?.name ?? "").sort(),
    modelsSeat: p.modelsSeat,
    reports: p.reports,
    runs: p.runs,
  }));
}

/** One CSV cell: always double-quoted, inner double quotes doubled (RFC 4180). */
export function csvQuote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** The platform's users CSV columns: the same as orgtrail's own export (SPEC §6). */
export const USERS_CSV_HEADER = USERS_CSV_COLUMNS;

/**
 * The users CSV in the export's format (seed "Export user details"): strings quoted, numbers
 * bare, teams sorted and joined by ", ". Last active and Status are computed by orgtrail from
 * events, so a generated directory leaves them empty and active days 0.
 */
export function usersCsv(directory: readonly DirectoryUser[]): string {
  const lines = [USERS_CSV_HEADER.map(csvQuote).join(",")];
  for (const u of directory) {
    lines.push(
      [
        csvQuote(u.name),
        csvQuote(u.username),
        csvQuote(""),
        csvQuote(u.role),
        csvQuote(u.email),
        csvQuote([...u.teams].sort().join(", ")),
        csvQuote(""),
        String(u.reports),
        String(u.runs),
        "0",
        csvQuote(u.modelsSeat ?? ""),
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}
