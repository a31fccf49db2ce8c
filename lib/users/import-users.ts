/**
 * Imports the directory: a users CSV in the export's format or a SCIM 2.0 ListResponse.
 * A user is matched by platform id, then email (case-insensitively) — SPEC §4 identity, the
 * same module as ingest (lib/ingest/identity.ts) — then username, so a re-import updates and
 * a user first seen in events is completed, never duplicated.
 */
import type { Transaction } from "kysely";
import type { Store } from "../db/client";
import type { Dialect } from "../db/dialect";
import { lockOrg } from "../db/org-lock";
import type { Database } from "../db/types";
import { emailKeyOf, IdentityIndex, type KnownUser } from "../ingest/identity";
import type { DirectoryEntry, DirectoryRejection, ParsedDirectory } from "./directory-entry";
import { parseScimUsers, looksLikeJson } from "./parse-scim";
import { parseUsersCsv } from "./parse-users-csv";

export { UsersImportError } from "./directory-entry";

export interface ImportUsersResult {
  format: "csv" | "scim";
  created: number;
  updated: number;
  rejected: DirectoryRejection[];
}

export interface ImportUsersOptions {
  /** Skip detection (e.g. from the request's Content-Type). */
  format?: "csv" | "scim";
}

/** Parses without touching the store: a SCIM document when the text is JSON, else a CSV. */
export function parseDirectory(text: string, options: ImportUsersOptions = {}): ParsedDirectory {
  const format = options.format ?? (looksLikeJson(text) ? "scim" : "csv");
  return format === "scim" ? parseScimUsers(text) : parseUsersCsv(text);
}

type Trx = Transaction<Database>;

/**
 * Throws UsersImportError when the input is not a users CSV or SCIM ListResponse at all;
 * a bad row is reported in `rejected` and its neighbours still import. One transaction.
 */
export async function importUsers(store: Store, orgId: number, text: string, options: ImportUsersOptions = {}): Promise<ImportUsersResult> {
  return importDirectory(store, orgId, parseDirectory(text, options));
}

/** Applies an already parsed directory (e.g. every page of a SCIM API, lib/sources/directory-sync.ts) in one transaction. */
export async function importDirectory(store: Store, orgId: number, parsed: ParsedDirectory): Promise<ImportUsersResult> {
  const counts = await store.db.transaction().execute((trx) => applyEntries(trx, store.dialect, orgId, parsed.entries));
  return { format: parsed.format, ...counts, rejected: parsed.rejected };
}

async function applyEntries(trx: Trx, dialect: Dialect, orgId: number, entries: DirectoryEntry[]): Promise<{ created: number; updated: number }> {
  // The organization lock (lib/db/org-lock.ts), as ingest takes it: on PostgreSQL both would
  // otherwise insert the same new user at once and one fail on users_org_email.
  await lockOrg(trx, dialect, orgId);
  const rows = await trx.selectFrom("users").select(["id", "external_id", "email_key", "username"]).where("org_id", "=", orgId).orderBy("id").execute();
  // SPEC §4 identity (lib/ingest/identity.ts) over the whole directory, read once; the
  // username is the directory's own third key.
  const byId = new Map<string, KnownUser>();
  const byEmail = new Map<string, KnownUser>();
  const byUsername = new Map<string, KnownUser>();
  for (const r of rows) {
    const u: KnownUser = { id: r.id, external_id: r.external_id, email_key: r.email_key, username: r.username };
    if (u.external_id !== null) byId.set(u.external_id, u);
    if (u.email_key !== null) byEmail.set(u.email_key, u);
    // The oldest user holding a username keeps it as the match.
    if (u.username && !byUsername.has(u.username)) byUsername.set(u.username, u);
  }
  const index = new IdentityIndex({ byId: (id) => byId.get(id) ?? null, byEmail: (key) => byEmail.get(key) ?? null });
  const remember = (u: KnownUser) => {
    index.remember(u);
    if (u.username && !byUsername.has(u.username)) byUsername.set(u.username, u);
  };

  let created = 0;
  let updated = 0;
  for (const e of entries) {
    const emailKey = emailKeyOf(e.email);
    const match = index.match(e.externalId, emailKey) ?? (e.username !== null ? byUsername.get(e.username) : undefined) ?? null;

    const fields = directoryFields(e);
    if (!match) {
      const inserted = await trx
        .insertInto("users")
        .values({
          org_id: orgId,
          external_id: e.externalId,
          email: e.email,
          email_key: emailKey,
          username: e.username,
          reports: 0,
          runs: 0,
          ...fields,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      remember({ id: inserted.id, external_id: e.externalId, email_key: emailKey, username: e.username });
      created++;
      continue;
    }

    const patch: typeof fields & { external_id?: string; email?: string; email_key?: string; username?: string } = { ...fields };
    // An id the store already knows for the user is the events' identity: never replaced.
    if (e.externalId !== null && match.external_id === null && !index.byId(e.externalId)) {
      patch.external_id = e.externalId;
      match.external_id = e.externalId;
    }
    // A new email is taken only when no other user holds it (emails are unique per org).
    if (e.email !== null && emailKey !== null && emailKey !== match.email_key && !index.byEmail(emailKey)) {
      patch.email = e.email;
      patch.email_key = emailKey;
      if (match.email_key !== null) index.releaseEmail(match.email_key);
      match.email_key = emailKey;
    } else if (e.email !== null && emailKey === match.email_key) {
      patch.email = e.email;
    }
    if (e.username !== null) {
      patch.username = e.username;
      match.username = e.username;
    }
    await trx.updateTable("users").set(patch).where("id", "=", match.id).execute();
    remember(match);
    updated++;
  }
  return { created, updated };
}

/** The columns a directory entry sets; fields the source does not carry are left alone. */
function directoryFields(e: DirectoryEntry) {
  const fields: {
    in_directory: number;
    name?: string | null;
    role?: string | null;
    teams?: string;
    models_seat?: string | null;
    reports?: number;
    runs?: number;
    directory_created_at?: number | null;
    directory_active?: number;
  } = { in_directory: 1 };
  if (e.name !== undefined) fields.name = e.name;
  if (e.role !== undefined) fields.role = e.role;
  if (e.teams !== undefined) fields.teams = JSON.stringify(e.teams);
  if (e.modelsSeat !== undefined) fields.models_seat = e.modelsSeat;
  if (e.reports !== undefined) fields.reports = e.reports;
  if (e.runs !== undefined) fields.runs = e.runs;
  if (e.createdAt !== undefined) fields.directory_created_at = e.createdAt;
  if (e.active !== undefined) fields.directory_active = e.active ? 1 : 0;
  return fields;
}
