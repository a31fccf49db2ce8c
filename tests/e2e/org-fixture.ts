// An organization of its own for a spec (so the shared default organization stays as the other
// specs expect it): an admin account made with the CLI on the e2e store, then users and events
// sent through the API like any client would.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, type PlaywrightWorkerArgs } from "@playwright/test";
import { basicAuth, type E2eAccount } from "./accounts";
import { accounts } from "./support";

export async function makeOrg(
  playwright: PlaywrightWorkerArgs["playwright"],
  baseURL: string | undefined,
  org: string,
  data: { usersCsv?: string; events?: Record<string, unknown>[] },
): Promise<E2eAccount> {
  const username = `e2e-${org}-${randomBytes(4).toString("hex")}`;
  const made = spawnSync(process.execPath, ["bin/orgtrail.mjs", "admin", "create", username, "--org", org], {
    env: { ...process.env, ORGTRAIL_DATABASE_URL: accounts().databaseUrl },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(made.status, made.stderr).toBe(0);
  const account = { username, apiKey: made.stdout.trim() };
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: basicAuth(account) } });
  try {
    if (data.usersCsv) {
      const imported = await api.post(`/api/v1/users/import?org=${org}`, { data: data.usersCsv, headers: { "Content-Type": "text/csv" } });
      expect(imported.status(), await imported.text()).toBe(200);
    }
    if (data.events?.length) {
      const body = data.events.map((e) => JSON.stringify(e)).join("\n") + "\n";
      const ingested = await api.post(`/api/v1/ingest?org=${org}`, { data: body, headers: { "Content-Type": "application/x-ndjson" } });
      expect(ingested.status(), await ingested.text()).toBe(200);
      expect(((await ingested.json()) as { rejected: unknown[] }).rejected).toEqual([]);
    }
  } finally {
    await api.dispose();
  }
  return account;
}

export const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const USERS_CSV_HEADER =
  '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';

/** A users CSV in the export's format. */
export function usersCsv(rows: { name: string; username: string; email: string; teams?: string[]; role?: string }[]): string {
  const lines = rows.map(
    (r) => [r.name, r.username, "", r.role ?? "member", r.email, (r.teams ?? []).join(", "), ""].map(csvCell).join(",") + ",0,0,0," + csvCell("Full"),
  );
  return [USERS_CSV_HEADER, ...lines].join("\n") + "\n";
}
