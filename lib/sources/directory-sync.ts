/**
 * Directory sync (docs/DIRECTORY_SYNC.md): the platform's SCIM API read whole, then applied to
 * the organization's directory in one transaction through the users import, so a sync gives
 * what importing the same users by CSV or SCIM file gives. A failure before the end of the
 * last page leaves the directory as it was.
 */
import type { Store } from "../db/client";
import type { DirectoryRejection } from "../users/directory-entry";
import { importDirectory } from "../users/import-users";
import { planScimDirectory } from "../users/scim-directory";
import { fetchScimDirectory, ScimSyncError, type ScimFetchOptions } from "./scim-client";

export { ScimSyncError } from "./scim-client";

export interface DirectorySyncOptions extends ScimFetchOptions {
  orgId: number;
}

export interface DirectorySyncSummary {
  /** Resources read from `/scim/Users` and `/scim/Groups`. */
  users: number;
  groups: number;
  created: number;
  updated: number;
  /** Users the directory marks `active: false`. */
  inactive: number;
  rejected: DirectoryRejection[];
}

export async function syncDirectory(store: Store, o: DirectorySyncOptions): Promise<DirectorySyncSummary> {
  if (!URL.canParse(o.url)) throw new ScimSyncError(o.url, "not a URL");
  const directory = await fetchScimDirectory(o);
  const parsed = planScimDirectory(directory.users, directory.groups);
  const result = await importDirectory(store, o.orgId, parsed);
  return {
    users: directory.users.length,
    groups: directory.groups.length,
    created: result.created,
    updated: result.updated,
    inactive: parsed.entries.filter((e) => e.active === false).length,
    rejected: result.rejected,
  };
}
