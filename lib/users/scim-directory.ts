/**
 * The directory as the platform's SCIM API describes it: every `/scim/Users` resource and every
 * `/scim/Groups` resource (teams), fetched whole, turned into the same directory entries a
 * users CSV or a SCIM file gives (lib/users/import-users.ts applies them). Pure: no I/O.
 *
 * A user's teams are the groups whose `members` name the user's `id`, together with what the
 * user resource itself says (`groups`, the platform's `teamRoles`). Since every group was
 * read, a user no group names is in no team (an empty list, not "unknown").
 */
import { cleanTeams, type DirectoryRejection, type ParsedDirectory } from "./directory-entry";
import { parseScimResources, scimAttr } from "./parse-scim";

export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export interface ScimGroupsResult {
  /** Team names by member (user `id`). */
  teamsByMember: Map<string, string[]>;
  rejected: DirectoryRejection[];
}

/** Reads `/scim/Groups` resources: `displayName` and `members[].value` (users; nested groups are skipped). */
export function readScimGroups(groups: readonly unknown[]): ScimGroupsResult {
  const teamsByMember = new Map<string, string[]>();
  const rejected: DirectoryRejection[] = [];
  groups.forEach((g, i) => {
    const line = i + 1;
    if (!isObject(g)) return rejected.push({ line, error: `Groups[${i}]: must be a SCIM Group object` });
    const schemas = scimAttr(g, "schemas");
    if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(SCIM_GROUP)))
      return rejected.push({ line, error: `Groups[${i}]: schemas: not a SCIM Group (expected "${SCIM_GROUP}")` });
    const name = scimAttr(g, "displayName");
    if (typeof name !== "string" || name.trim() === "") return rejected.push({ line, error: `Groups[${i}]: displayName: a team needs a name` });
    const members = scimAttr(g, "members") ?? [];
    if (!Array.isArray(members)) return rejected.push({ line, error: `Groups[${i}]: members: must be an array` });
    for (const m of members) {
      if (!isObject(m)) continue;
      const type = scimAttr(m, "type");
      if (typeof type === "string" && type.toLowerCase() === "group") continue;
      const value = scimAttr(m, "value");
      const id = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : typeof value === "string" ? value.trim() : "";
      if (id === "") continue;
      const list = teamsByMember.get(id);
      if (list) list.push(name.trim());
      else teamsByMember.set(id, [name.trim()]);
    }
  });
  return { teamsByMember, rejected };
}

/** Users and groups, every page of each, as one directory to import in one transaction. */
export function planScimDirectory(users: readonly unknown[], groups: readonly unknown[]): ParsedDirectory {
  const parsed = parseScimResources(users);
  const { teamsByMember, rejected } = readScimGroups(groups);
  const entries = parsed.entries.map((e) => {
    const fromGroups = e.externalId !== null ? (teamsByMember.get(e.externalId) ?? []) : [];
    return { ...e, teams: cleanTeams([...(e.teams ?? []), ...fromGroups]) };
  });
  return { format: "scim", entries, rejected: [...parsed.rejected, ...rejected] };
}
