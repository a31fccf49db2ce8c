/**
 * Who may see a background job's state (docs/SECURITY.md "Instance admins"). Pure.
 *
 * - A job of one organization (`org_id` set, `Job.orgId`): that organization's readers.
 * - A row named `<job>:<org>:...` (per-organization checkpoints, e.g. the upstream pull's
 *   `upstream-pull:<org>:<source>`): that organization's readers, and instance admins.
 * - Anything else is instance-wide (bucket export and source, checkpoints, purge, the
 *   access-log job): its errors name buckets, upstreams and other organizations, so instance
 *   admins only.
 */
export interface JobViewer {
  orgId: number;
  orgSlug: string;
  instanceAdmin: boolean;
}

export function jobVisible(row: { name: string; org_id?: number | null }, viewer: JobViewer): boolean {
  if (row.org_id !== null && row.org_id !== undefined) return Number(row.org_id) === viewer.orgId;
  const parts = row.name.split(":");
  if (parts.length >= 2) return parts[1] === viewer.orgSlug || viewer.instanceAdmin;
  return viewer.instanceAdmin;
}
