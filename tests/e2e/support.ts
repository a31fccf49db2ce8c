// Shared helpers of the dashboard browser tests: sign-in through the API (fast) or the form,
// the fixed `asOf` the fixtures are written against, and the API's own answers to compare with.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { readAccounts, type E2eAccount } from "./accounts";

/** tests/fixtures/e2e-events.ndjson is written against this day; one event lies after it. */
export const AS_OF = "2026-03-31";

export const accounts = () => readAccounts();

/** Signs the page's browser context in (the cookie lands in the context's jar). */
export async function signInViaApi(page: Page, account: E2eAccount): Promise<void> {
  const response = await page.request.post("/api/v1/session", { data: { username: account.username, apiKey: account.apiKey } });
  expect(response.status(), await response.text()).toBe(200);
}

export async function signInViaForm(page: Page, account: E2eAccount): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("API key").fill(account.apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export function dashboardUrl(params: Record<string, string> = {}): string {
  return `/org/dashboard?${new URLSearchParams({ asOf: AS_OF, ...params }).toString()}`;
}

export interface ApiUser {
  username: string | null;
  name: string | null;
  email: string | null;
  role: string | null;
  teams: string[];
  status: "active" | "invite_pending" | "deactivated" | "inactive";
  lastActive: string | null;
  addedAt: string | null;
  activeDays: number;
  reports: number;
  runs: number;
  modelsSeat: string | null;
  /** False for a user only events know (not in the directory). */
  inDirectory?: boolean;
}

export async function apiJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(path);
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

export async function apiUsers(request: APIRequestContext, status?: string): Promise<ApiUser[]> {
  return (await apiJson<{ users: ApiUser[] }>(request, `/api/v1/users?asOf=${AS_OF}${status ? `&status=${status}` : ""}`)).users;
}

/** The text of one column of the rendered (virtualized) rows, whitespace collapsed. */
export async function columnTexts(page: Page, tableName: string, columnIndex: number): Promise<string[]> {
  const rows = page.getByRole("table", { name: tableName }).getByRole("row");
  const count = await rows.count();
  const texts: string[] = [];
  // Row 0 is the header row.
  for (let i = 1; i < count; i++) {
    texts.push((await rows.nth(i).getByRole("cell").nth(columnIndex).innerText()).replace(/\s+/g, " ").trim());
  }
  return texts;
}

export const COLUMN = { name: 0, username: 1, email: 2, role: 3, teams: 4, lastActive: 5, activeDays: 6 } as const;

export const utcDate = (iso: string) =>
  new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" }).format(new Date(iso));
