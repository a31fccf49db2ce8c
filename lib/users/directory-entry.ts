/** One user as a directory (users CSV or SCIM) describes it, before it meets the store. */
export interface DirectoryEntry {
  /** 1-based line of the CSV record, or 1-based index in the SCIM `Resources`. */
  line: number;
  externalId: string | null;
  email: string | null;
  username: string | null;
  /** `undefined`: the source does not carry the field, keep what the store has. */
  name?: string | null;
  role?: string | null;
  teams?: string[];
  modelsSeat?: string | null;
  reports?: number;
  runs?: number;
  /** SCIM `meta.created`, epoch ms. */
  createdAt?: number | null;
  /** SCIM `active`. */
  active?: boolean;
}

export interface DirectoryRejection {
  line: number;
  error: string;
}

export interface ParsedDirectory {
  format: "csv" | "scim";
  entries: DirectoryEntry[];
  rejected: DirectoryRejection[];
}

/** Input that is not a users CSV or SCIM ListResponse at all (as opposed to one bad row). */
export class UsersImportError extends Error {}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export function isEmail(value: string): boolean {
  return EMAIL_RE.test(value);
}

/** Team names, trimmed, without empties and duplicates. */
export function cleanTeams(teams: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of teams) {
    const name = t.trim();
    if (name !== "") out.add(name);
  }
  return [...out];
}
