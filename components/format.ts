// Display formats. Every date is shown in UTC: SPEC §4 counts UTC calendar days.
const timestampFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});
const dateFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
const shortDateFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });
const numberFormat = new Intl.NumberFormat("en-US");

const toDate = (value: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

/** "Mar 31, 2026, 1:30 AM UTC" */
export const formatTimestamp = (iso: string) => `${timestampFormat.format(toDate(iso))} UTC`;
/** "Mar 31, 2026" */
export const formatDate = (isoOrDay: string) => dateFormat.format(toDate(isoOrDay));
/** "Mar 31" (chart axes) */
export const formatShortDate = (isoOrDay: string) => shortDateFormat.format(toDate(isoOrDay));
export const formatNumber = (n: number) => numberFormat.format(n);
