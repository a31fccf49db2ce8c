// Hostile values in the UI (docs/SECURITY.md "Hostile inputs"): markup, ANSI escapes, U+2028 and
// control characters in names, usernames, e-mails and teams render as inert text: no element
// injected, no script run, no dialog. They live in an organization of their own (an account
// made here), so the other specs' default organization is untouched.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { basicAuth, type E2eAccount } from "./accounts";
import { accounts, AS_OF, COLUMN, dashboardUrl, signInViaApi } from "./support";

const IMG = `<img src=x onerror="window.__xss=(window.__xss||0)+1;alert('img')">`;
const SVG = `<svg/onload=alert('svg')>`;
const B = "<b>bold</b>";
const ANSI = "ansi \u001b[31mred\u001b[0m \u001b]8;;http://evil.test\u0007link\u001b]8;;\u0007";
const SEP = "sep\u2028arated\u2029para";
const IFRAME = `<iframe src="javascript:alert('iframe')"></iframe>`;

const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
const USERS_CSV =
  [
    '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
    [IMG, B, "", "member", "img@hostile.test", IFRAME, "", "0", "0", "0", "Full"].map(csvCell).join(","),
    [ANSI, SEP, "", "member", "ansi@hostile.test", "team", "", "0", "0", "0", "Full"].map(csvCell).join(","),
  ].join("\n") + "\n";

const EVENTS =
  [
    { action: "user:login", timestamp: `${AS_OF}T08:00:00Z`, actor_email: "img@hostile.test" },
    { action: "user:login", timestamp: `${AS_OF}T09:00:00Z`, actor_email: "ansi@hostile.test" },
    { action: "user:login", timestamp: `${AS_OF}T10:00:00Z`, actor_email: `${SVG}@hostile.test` },
    { action: "user:login", timestamp: `${AS_OF}T11:00:00Z`, actor_email: `ctl\u0000\u0007${SEP}@hostile.test` },
  ]
    .map((e) => JSON.stringify(e))
    .join("\n") + "\n";

let hostile: E2eAccount;

test.beforeAll(async ({ playwright, baseURL }) => {
  // An account whose only organization is "e2e-hostile" (created by the CLI on the e2e store).
  const username = `e2e-hostile-${randomBytes(4).toString("hex")}`;
  const made = spawnSync(process.execPath, ["bin/orgtrail.mjs", "admin", "create", username, "--org", "e2e-hostile"], {
    env: { ...process.env, ORGTRAIL_DATABASE_URL: accounts().databaseUrl },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(made.status, made.stderr).toBe(0);
  hostile = { username, apiKey: made.stdout.trim() };
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: basicAuth(hostile) } });
  try {
    const imported = await api.post("/api/v1/users/import", { data: USERS_CSV, headers: { "Content-Type": "text/csv" } });
    expect(imported.status(), await imported.text()).toBe(200);
    const ingested = await api.post("/api/v1/ingest", { data: EVENTS, headers: { "Content-Type": "application/x-ndjson" } });
    expect(ingested.status(), await ingested.text()).toBe(200);
    expect(((await ingested.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  } finally {
    await api.dispose();
  }
});

/** Fails the test on any dialog; counts what an injected handler would have set. */
function watchForScripts(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return dialogs;
}

async function expectNothingInjected(page: Page, dialogs: string[]) {
  // Give an onerror/onload handler time to fire if an element had been created.
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  const injected = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"]').length,
    svg: document.querySelectorAll("main svg[onload], svg[onload]").length,
    iframe: document.querySelectorAll("iframe").length,
    handlers: document.querySelectorAll("[onerror], [onload]").length,
    bold: [...document.querySelectorAll("b")].filter((b) => b.textContent === "bold").length,
  }));
  expect(injected).toEqual({ img: 0, svg: 0, iframe: 0, handlers: 0, bold: 0 });
}

test.describe("hostile values render as inert text", () => {
  test("Users tab: markup, ANSI escapes, U+2028 and control characters in names, usernames, e-mails and teams", async ({ page }) => {
    const dialogs = watchForScripts(page);
    await signInViaApi(page, hostile);
    await page.goto(dashboardUrl());
    const table = page.getByRole("table", { name: "Users" });
    await expect(table).toBeVisible();
    await expect(page.getByText("4 users")).toBeVisible();

    const cellTexts = async (column: number) =>
      table.getByRole("row").evaluateAll((rows, c) => rows.slice(1).map((r) => r.querySelectorAll("td")[c]?.textContent ?? ""), column);
    const names = await cellTexts(COLUMN.name);
    const usernames = await cellTexts(COLUMN.username);
    const emails = await cellTexts(COLUMN.email);
    const teams = await cellTexts(COLUMN.teams);
    // The exact characters, as text nodes.
    expect(names).toContain(IMG);
    expect(usernames).toContain(B);
    expect(names.some((n) => n.includes("\u001b[31mred\u001b[0m"))).toBe(true);
    expect(usernames.some((u) => u.includes("sep\u2028arated"))).toBe(true);
    expect(emails).toContain(`${SVG}@hostile.test`);
    expect(emails.some((e) => e.startsWith("ctl") && e.includes("\u2028"))).toBe(true);
    expect(teams.some((t) => t.includes(IFRAME))).toBe(true);
    // And visible as text to the user.
    await expect(table.getByText(IMG, { exact: false })).toBeVisible();
    await expectNothingInjected(page, dialogs);
  });

  test("Activity tab: most active users with hostile e-mails stay text", async ({ page }) => {
    const dialogs = watchForScripts(page);
    await signInViaApi(page, hostile);
    await page.goto(dashboardUrl({ tab: "activity" }));
    await expect(page.getByText(`${SVG}@hostile.test`).first()).toBeVisible();
    await expectNothingInjected(page, dialogs);
  });
});
