/**
 * Parses a SCIM 2.0 ListResponse of Users (RFC 7643/7644): `id` is the platform user id,
 * `userName`, `name`, the primary email, the first role, the groups (teams), `meta.created`
 * (strict RFC3339) and `active`.
 *
 * Also the W&B platform's own form of a User (its `/scim/Users` answers): `emails` as one
 * object `{"Value","Display","Type","Primary"}` rather than an array, the organization role
 * in `organizationRole` and team memberships in `teamRoles: [{"teamName","roleName"}]`.
 * Attribute names are matched case-insensitively, as RFC 7643 §2.1 says they are.
 */
import { parseRfc3339 } from "../audit/timestamp";
import { emailKeyOf } from "../ingest/identity";
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

/** An attribute by name, case-insensitively (RFC 7643 §2.1); the exact spelling first. */
export function scimAttr(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

export function parseScimUsers(input: string): ParsedDirectory {
  let doc: unknown;
  try {
    doc = JSON.parse(input.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new UsersImportError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!isObject(doc)) throw new UsersImportError("a SCIM ListResponse must be a JSON object");
  const schemas = scimAttr(doc, "schemas");
  if (!Array.isArray(schemas) || !schemas.includes(SCIM_LIST_RESPONSE))
    throw new UsersImportError(`schemas: not a SCIM 2.0 ListResponse (expected "${SCIM_LIST_RESPONSE}")`);
  const resources = scimAttr(doc, "Resources") ?? [];
  if (!Array.isArray(resources)) throw new UsersImportError("Resources: must be an array of SCIM Users");
  return parseScimResources(resources);
}

/** SCIM User resources (a ListResponse's, or every page of a `/scim/Users` listing) as directory entries. */
export function parseScimResources(resources: readonly unknown[]): ParsedDirectory {
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
    for (const key of [entry.externalId && `id:${entry.externalId}`, entry.email && `e:${emailKeyOf(entry.email)}`]) {
      if (!key) continue;
      const earlier = firstIndexOf.get(key);
      if (earlier !== undefined) {
        rejected.push({ line, error: `Resources[${i}]: the same user as Resources[${earlier - 1}]` });
        return;
      }
    }
    if (entry.externalId) firstIndexOf.set(`id:${entry.externalId}`, line);
    if (entry.email) firstIndexOf.set(`e:${emailKeyOf(entry.email)}`, line);
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

/**
 * The item marked `primary`, else the first; a string names what is wrong. A single object
 * stands for a list of one (the platform answers `emails` so).
 */
function pickPrimary(list: unknown, field: string): { item: Json | null } | string {
  if (list === undefined || list === null) return { item: null };
  if (isObject(list)) return { item: list };
  if (!Array.isArray(list)) return `${field}: must be an array`;
  const items = list.filter(isObject);
  if (items.length !== list.length) return `${field}: every item must be an object`;
  return { item: items.find((e) => scimAttr(e, "primary") === true) ?? items[0] ?? null };
}

function toEntry(line: number, r: unknown): DirectoryEntry | string {
  if (!isObject(r)) return "must be a SCIM User object";
  const get = (name: string) => scimAttr(r, name);
  const schemas = get("schemas");
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(SCIM_USER))) return `schemas: not a SCIM User (expected "${SCIM_USER}")`;

  const id = optionalString(get("id"), "id");
  if (typeof id === "object" && id !== null) return id.error;
  const username = optionalString(get("userName"), "userName");
  if (typeof username === "object" && username !== null) return username.error;

  const primaryEmail = pickPrimary(get("emails"), "emails");
  if (typeof primaryEmail === "string") return primaryEmail;
  const email = primaryEmail.item === null ? null : optionalString(scimAttr(primaryEmail.item, "value"), "emails.value");
  if (typeof email === "object" && email !== null) return email.error;
  if (email !== null && !isEmail(email)) return `emails.value: not an email address: ${JSON.stringify(email.slice(0, 80))}`;
  if (email === null && username === null) return "a user needs emails or a userName";

  const entry: DirectoryEntry = { line, externalId: id, email, username };

  const name = get("name");
  const displayName = get("displayName");
  if (name !== undefined && name !== null) {
    if (!isObject(name)) return "name: must be an object";
    const formatted = optionalString(scimAttr(name, "formatted"), "name.formatted");
    const given = optionalString(scimAttr(name, "givenName"), "name.givenName");
    const family = optionalString(scimAttr(name, "familyName"), "name.familyName");
    for (const v of [formatted, given, family]) if (typeof v === "object" && v !== null) return v.error;
    const parts = [given, family].filter((p): p is string => typeof p === "string");
    entry.name = typeof formatted === "string" ? formatted : parts.length > 0 ? parts.join(" ") : null;
  } else if (displayName !== undefined) {
    const display = optionalString(displayName, "displayName");
    if (typeof display === "object" && display !== null) return display.error;
    entry.name = display;
  }

  // The platform's organization role (`admin`, `member`, `viewer` or a custom role) wins over
  // RFC 7643's multi-valued `roles`, which the platform does not fill.
  const organizationRole = get("organizationRole");
  const roles = get("roles");
  if (organizationRole !== undefined && organizationRole !== null) {
    const role = optionalString(organizationRole, "organizationRole");
    if (typeof role === "object" && role !== null) return role.error;
    entry.role = role;
  } else if (roles !== undefined && roles !== null) {
    if (!Array.isArray(roles)) return "roles: must be an array";
    const first: unknown = roles.find((x) => isObject(x) && scimAttr(x, "primary") === true) ?? roles[0];
    if (first === undefined) entry.role = null;
    else {
      if (!isObject(first)) return "roles[0]: must be an object";
      const role = optionalString(scimAttr(first, "value"), "roles[0].value");
      if (typeof role === "object" && role !== null) return role.error;
      entry.role = role;
    }
  }

  // Teams: RFC 7643's read-only `groups` (their display names) and the platform's `teamRoles`.
  const groups = get("groups");
  const teamRoles = get("teamRoles");
  if ((groups !== undefined && groups !== null) || (teamRoles !== undefined && teamRoles !== null)) {
    const names: string[] = [];
    for (const [field, list, key] of [
      ["groups", groups, "display"],
      ["teamRoles", teamRoles, "teamName"],
    ] as const) {
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) return `${field}: must be an array`;
      for (const [j, g] of list.entries()) {
        if (!isObject(g)) return `${field}[${j}]: must be an object`;
        const team = optionalString(scimAttr(g, key), `${field}[${j}].${key}`);
        if (typeof team === "object" && team !== null) return team.error;
        if (team !== null) names.push(team);
      }
    }
    entry.teams = cleanTeams(names);
  }

  const meta = get("meta");
  if (isObject(meta)) {
    const createdRaw = scimAttr(meta, "created");
    if (createdRaw !== undefined && createdRaw !== null) {
      if (typeof createdRaw !== "string") return "meta.created: must be an RFC3339 string";
      const created = parseRfc3339(createdRaw);
      if (!created.ok) return `meta.created: ${created.error}`;
      entry.createdAt = created.ms;
    }
  } else if (meta !== undefined && meta !== null) return "meta: must be an object";

  const active = get("active");
  if (active !== undefined && active !== null) {
    if (typeof active !== "boolean") return "active: must be true or false";
    entry.active = active;
  }
  return entry;
}
