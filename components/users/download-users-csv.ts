import type { UserRow } from "@/lib/activity/types";
import { fetchResponse, withQuery } from "@/lib/fetch-json";

/** The export's file name: `users-<org>-<asOf>.csv` (the server's Content-Disposition too). */
export const usersCsvFileName = (orgSlug: string, asOf: string) => `users-${orgSlug}-${asOf}.csv`;

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Fetches the server's export of every user (of `org`) and saves it (errors surface, not a saved error page). */
export async function downloadUsersCsv(asOf: string, fileName: string, org?: string): Promise<void> {
  const response = await fetchResponse(withQuery("/api/v1/users/export.csv", { org, asOf }));
  save(await response.blob(), fileName);
}

/**
 * Saves these users, in this order, as the server's export writes them: the same code
 * (lib/export/users-csv.ts: columns, quoting, formula neutralization), loaded on demand.
 */
export async function downloadShownUsersCsv(users: readonly UserRow[], fileName: string): Promise<void> {
  const { usersToCsv } = await import("@/lib/export/users-csv");
  save(new Blob([usersToCsv(users)], { type: "text/csv;charset=utf-8" }), fileName);
}
