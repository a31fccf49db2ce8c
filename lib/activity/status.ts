/**
 * User statuses (SPEC §4), their labels and the Users tab's status filter, without zod: the
 * dashboard's client code and the CSV writer import these (lib/activity/types.ts builds its
 * schemas from them), so zod stays out of the first-load JavaScript.
 */
export const USER_STATUSES = ["active", "invite_pending", "deactivated", "inactive"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** The label the page and the CSV show for each status. */
export const STATUS_LABELS: Record<UserStatus, string> = {
  active: "Active",
  invite_pending: "Invite pending",
  deactivated: "Deactivated",
  inactive: "Inactive",
};

/** The Users tab's filter, in the order the page shows it; `all` is no filter. */
export const STATUS_FILTERS = ["all", "active", "inactive", "invite_pending", "deactivated"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const STATUS_FILTER_LABELS: Record<StatusFilter, string> = { all: "All", ...STATUS_LABELS };

export function isUserStatus(value: string): value is UserStatus {
  return (USER_STATUSES as readonly string[]).includes(value);
}
