/**
 * Parses a SCIM 2.0 ListResponse of Users (RFC 7643/7644): `id` is the platform user id,
 * `userName`, `name`, the primary email, the first role, the groups (teams), `meta.created`
 * (strict RFC3339) and `active`.
 */
import { parseRfc3339 } from "../audit/timestamp";
import { cleanTeams, isEmail, UsersImportError, type DirectoryEntry, type DirectoryRejection, type ParsedDirectory } from "./directory-entry";

export const SCIM_LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text.replace(/^\uFEFF/, ""));
}

export function parseScimUsers(input: string): ParsedDirectory {
  let doc: unknown;
  try {
    doc = JSON.parse(input.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new UsersImportError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(doc)) throw new UsersImportError("a SCIM ListResponse must be a JSON object");
  const schemas = doc.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCIM_LIST_RESPONSE))
    throw new UsersImportError(`schemas: not a SCIM 2.0 ListResponse (expected "${SCIM_LIST_RESPONSE}")`);
  const resources = doc.Resources ?? [];
  if (!Array.isArray(resources)) throw new UsersImportError("Resources: must be an array of SCIM Users");

  const entries: DirectoryEntry[] = [];
  const rejected: DirectoryRejection[] = [];
  const firstIndexOf = new Map<string, number>();
  resources.forEach((resource: unknown, i: number) => {
    const line = i + 1;
    const entry = toEntry(line, resource);
    if (typeof entry === "string") {
      rejected.push({ line, error: `Resources[${i}]: ${entry}` });
      return;
    }
    for (const key of [entry.externalId && `id:${entry.externalId}`, entry.email && `e:${entry.email.toLowerCase()}`]) {
      if (!key) continue;
      const earlier = firstIndexOf.get(key);
      if (earlier !== undefined) {
        rejected.push({ line, error: `Resources[${i}]: the same user as Resources[${earlier - 1}]` });
        return;
      }
    }
    if (entry.externalId) firstIndexOf.set(`id:${entry.externalId}`, line);
    if (entry.email) firstIndexOf.set(`e:${entry.email.toLowerCase()}`, line);
    entries.push(entry);
  });
  return { format: "scim", entries, rejected };
}

function optionalString(value: unknown, field: string): string | null | { error: string } {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string") return { error: `${field}: must be a string` };
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** The item marked `primary`, else the first; a string names what is wrong. */
function pickPrimary(list: unknown, field: string): { item: Json | null } | string {
  if (list === undefined || list === null) return { item: null };
  if (!Array.isArray(list)) return `${field}: must be an array`;
  const items = list.filter(isObject);
  if (items.length !== list.length) return `${field}: every item must be an object`;
  return { item: items.find((e) => e.primary === true) ?? items[0] ?? null };
}

function toEntry(line: number, r: unknown): DirectoryEntry | string {
  if (!isObject(r)) return "must be a SCIM User object";
  if (r.schemas !== undefined && !(Array.isArray(r.schemas) && r.schemas.includes(SCIM_USER)))
    return `schemas: not a SCIM User (expected "${SCIM_USER}")`;

  const id = optionalString(r.id, "id");
  if (typeof id === "object" && id !== null) return id.error;
  const username = optionalString(r.userName, "userName");
  if (typeof username === "object" && username !== null) return username.error;

  const primaryEmail = pickPrimary(r.emails, "emails");
  if (typeof primaryEmail === "string") return primaryEmail;
  const email = primaryEmail.item === null ? null : optionalString(primaryEmail.item.value, "emails.value");
  if (typeof email === "object" && email !== null) return email.error;
  if (email !== null && !isEmail(email)) return `emails.value: not an email address: ${JSON.stringify(email.slice(0, 80))}`;
  if (email === null && username === null) return "a user needs emails or a userName";

  const entry: DirectoryEntry = { line, externalId: id, email, username };

  if (r.name !== undefined && r.name !== null) {
    if (!isObject(r.name)) return "name: must be an object";
    const formatted = optionalString(r.name.formatted, "name.formatted");
    const given = optionalString(r.name.givenName, "name.givenName");
    const family = optionalString(r.name.familyName, "name.familyName");
    for (const v of [formatted, given, family]) if (typeof v === "object" && v !== null) return v.error;
    const parts = [given, family].filter((p): p is string => typeof p === "string");
    entry.name = typeof formatted === "string" ? formatted : parts.length > 0 ? parts.join(" ") : null;
  } else if (r.displayName !== undefined) {
    const display = optionalString(r.displayName, "displayName");
    if (typeof display === "object" && display !== null) return display.error;
    entry.name = display;
  }

  if (r.roles !== undefined && r.roles !== null) {
    if (!Array.isArray(r.roles)) return "roles: must be an array";
    const first: unknown = r.roles[0];
    if (first === undefined) entry.role = null;
    else {
      if (!isObject(first)) return "roles[0]: must be an object";
      const role = optionalString(first.value, "roles[0].value");
      if (typeof role === "object" && role !== null) return role.error;
      entry.role = role;
    }
  }

  if (r.groups !== undefined && r.groups !== null) {
    if (!Array.isArray(r.groups)) return "groups: must be an array";
    const names: string[] = [];
    for (const [j, g] of r.groups.entries()) {
      if (!isObject(g)) return `groups[${j}]: must be an object`;
      const display = optionalString(g.display, `groups[${j}].display`);
      if (typeof display === "object" && display !== null) return display.error;
      if (display !== null) names.push(display);
    }
    entry.teams = cleanTeams(names);
  }

  if (isObject(r.meta) && r.meta.created !== undefined && r.meta.created !== null) {
    if (typeof r.meta.created !== "string") return "meta.created: must be an RFC3339 string";
    const created = parseRfc3339(r.meta.created);
    if (!created.ok) return `meta.created: ${created.error}`;
    entry.createdAt = created.ms;
  } else if (r.meta !== undefined && r.meta !== null && !isObject(r.meta)) return "meta: must be an object";

  if (r.active !== undefined && r.active !== null) {
    if (typeof r.active !== "boolean") return "active: must be true or false";
    entry.active = r.active;
  }
  return entry;
}
