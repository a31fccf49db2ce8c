/**
 * Which organization roles an identity provider's groups give (ORGTRAIL_OIDC_ROLE_MAP,
 * docs/SSO.md). Pure: no I/O, so lib/env.ts validates the map at start with it.
 *
 * Two spellings of the same map:
 * - compact: `group=org:role` entries separated by commas or new lines, e.g.
 *   `orgtrail-admins=default:admin,auditors=default:auditor,auditors=research:auditor`
 *   (the last `=` of an entry separates the group, so a group may contain `=`);
 * - JSON, for group names with commas (LDAP DNs): `{"cn=admins,ou=groups": "default:admin",
 *   "auditors": ["default:auditor", "research:auditor"]}`.
 */
import type { Role } from "../accounts";

export interface RoleGrant {
  group: string;
  org: string;
  role: Role;
}

const MAPPABLE: readonly Role[] = ["admin", "auditor", "member"];
// Same rule as lib/db/orgs.ts (kept here so this module stays free of store code).
const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const RANK: Record<Role, number> = { member: 0, auditor: 1, admin: 2 };

function target(group: string, value: string, where: string): RoleGrant {
  const colon = value.lastIndexOf(":");
  const org = value.slice(0, colon).trim();
  const role = value.slice(colon + 1).trim();
  if (colon === -1 || !org) throw new Error(`${where}: expected ORG:ROLE after the group, e.g. default:admin`);
  if (!SLUG_RE.test(org)) throw new Error(`${where}: invalid organization ${JSON.stringify(org)} (letters, digits, - and _)`);
  if (!(MAPPABLE as readonly string[]).includes(role)) throw new Error(`${where}: role must be admin, auditor or member, not ${JSON.stringify(role)}`);
  if (!group) throw new Error(`${where}: the group is empty`);
  return { group, org, role: role as Role };
}

/** The map's entries; throws an Error naming the bad entry. Unset or blank: no entries. */
export function parseRoleMap(text: string | undefined): RoleGrant[] {
  const trimmed = text?.trim() ?? "";
  if (!trimmed) return [];
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error("ORGTRAIL_OIDC_ROLE_MAP starts with { but is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error('ORGTRAIL_OIDC_ROLE_MAP: expected a JSON object of group: "org:role"');
    const grants: RoleGrant[] = [];
    for (const [group, value] of Object.entries(parsed)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v !== "string") throw new Error(`ORGTRAIL_OIDC_ROLE_MAP: the value of ${JSON.stringify(group)} must be "org:role" or a list of them`);
        grants.push(target(group, v, `ORGTRAIL_OIDC_ROLE_MAP ${JSON.stringify(group)}`));
      }
    }
    return grants;
  }
  return trimmed
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const eq = entry.lastIndexOf("=");
      const where = `ORGTRAIL_OIDC_ROLE_MAP entry ${JSON.stringify(entry)}`;
      if (eq === -1) throw new Error(`${where}: expected GROUP=ORG:ROLE`);
      return target(entry.slice(0, eq).trim(), entry.slice(eq + 1), where);
    });
}

/** The organizations the map names: at every SSO sign-in, the groups decide the account's role in each. */
export function mappedOrgs(map: readonly RoleGrant[]): string[] {
  return [...new Set(map.map((g) => g.org))];
}

/** The role the groups give in each mapped organization (the highest when several groups apply). */
export function rolesForGroups(map: readonly RoleGrant[], groups: readonly string[]): Map<string, Role> {
  const have = new Set(groups);
  const roles = new Map<string, Role>();
  for (const grant of map) {
    if (!have.has(grant.group)) continue;
    const current = roles.get(grant.org);
    if (!current || RANK[grant.role] > RANK[current]) roles.set(grant.org, grant.role);
  }
  return roles;
}

/**
 * The strings of a claim: `path` is a claim name, or a dotted path into objects
 * (`realm_access.roles`) when no claim has that exact name. An array of strings, or one string.
 */
export function claimStrings(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims[path];
  if (value === undefined && path.includes(".")) {
    value = claims;
    for (const part of path.split(".")) {
      value = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
    }
  }
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
