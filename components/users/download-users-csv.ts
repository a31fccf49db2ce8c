import { fetchResponse, withQuery } from "@/lib/fetch-json";

/** Fetches the export and saves it as orgtrail-users-<asOf>.csv (errors surface, not a saved error page). */
export async function downloadUsersCsv(asOf: string, org?: string): Promise<void> {
  const response = await fetchResponse(withQuery("/api/v1/users/export.csv", { org, asOf }));
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `orgtrail-users-${asOf}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
