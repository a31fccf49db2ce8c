import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import { accounts, apiUsers, AS_OF, COLUMN, columnTexts, dashboardUrl, signInViaApi, utcDate, type ApiUser } from "./support";

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
const RANK = { active: 3, inactive: 2, invite_pending: 1, deactivated: 0 } as const;
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

async function openUsers(page: Page, params: Record<string, string> = {}) {
  await signInViaApi(page, accounts().admin);
  await page.goto(dashboardUrl(params));
  const table = page.getByRole("table", { name: "Users" });
  await expect(table).toBeVisible();
  return table;
}

test.describe("Users tab", () => {
  test("lists every user of the API with the seed's Last Active labels", async ({ page }) => {
    const table = await openUsers(page);
    const users = await apiUsers(page.request);
    expect(users.length).toBeGreaterThanOrEqual(10);
    await expect(page.getByText(`${users.length} users`)).toBeVisible();
    for (const name of ["Name", "Username", "Email", "Role", "Teams", "Last Active", "Number of active days"]) {
      await expect(table.getByRole("columnheader", { name, exact: true })).toBeVisible();
    }
    const emails = await columnTexts(page, "Users", COLUMN.email);
    expect(emails.length).toBe(users.length);
    expect(new Set(emails)).toEqual(new Set(users.map((u) => u.email ?? "")));

    const row = (email: string) => table.getByRole("row").filter({ has: page.getByRole("cell", { name: email, exact: true }) });
    await expect(row("di@e2e.test").getByRole("cell").nth(COLUMN.lastActive)).toHaveText("Invite pending", { useInnerText: true });
    await expect(row("eve@e2e.test").getByRole("cell").nth(COLUMN.lastActive)).toHaveText("Deactivated", { useInnerText: true });
    await expect(row("cy@e2e.test").getByRole("cell").nth(COLUMN.lastActive)).toHaveText(/^-/, { useInnerText: true });
    const ana = users.find((u) => u.email === "ana@e2e.test")!;
    await expect(row("ana@e2e.test").locator("time")).toHaveAttribute("datetime", ana.lastActive!);
    await expect(row("ana@e2e.test").getByRole("cell").nth(COLUMN.teams)).toHaveText("nlp, vision");
    // Odd names render as text on one line.
    await expect(table.getByRole("cell", { name: '=HYPERLINK("x")' })).toBeVisible();
    await expect(table.getByRole("cell", { name: "Multi Line Name" })).toBeVisible();
  });

  test("clicking Last Active sorts by status group, then time, and keeps it in the URL", async ({ page }) => {
    const table = await openUsers(page);
    const users = await apiUsers(page.request);
    const header = table.getByRole("columnheader", { name: "Last Active" });
    await header.getByRole("button").click();
    await expect(header).toHaveAttribute("aria-sort", "descending");
    await expect(page).toHaveURL(/sort=lastActive\.desc/);
    const key = (u: ApiUser) => RANK[u.status] * 1e14 + (u.lastActive ? Date.parse(u.lastActive) : 0);
    const expected = [...users].sort((a, b) => key(b) - key(a)).map((u) => u.email ?? "");
    expect(await columnTexts(page, "Users", COLUMN.email)).toEqual(expected);
    const labels = await columnTexts(page, "Users", COLUMN.lastActive);
    expect(labels.at(-1)).toBe("Deactivated");
    expect(labels.at(-2)).toBe("Invite pending");

    // Keyboard: Enter on the focused header button flips the direction.
    await header.getByRole("button").focus();
    await page.keyboard.press("Enter");
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    expect(await columnTexts(page, "Users", COLUMN.email)).toEqual([...expected].reverse());

    // A bookmark restores the view.
    await page.reload();
    await expect(table.getByRole("columnheader", { name: "Last Active" })).toHaveAttribute("aria-sort", "ascending");
  });

  test("clicking Name sorts alphabetically (an event-only user by the email shown as its name), missing names last", async ({ page }) => {
    const table = await openUsers(page);
    const users = await apiUsers(page.request);
    const header = table.getByRole("columnheader", { name: "Name", exact: true });
    await header.getByRole("button").click();
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    // The Name column shows the directory's name, else (a user only events know) the email and a badge.
    const shown = (u: ApiUser) => u.name ?? (u.inDirectory === false ? u.email : null);
    const cell = (u: ApiUser) => (u.name ? oneLine(u.name) : `${u.email} not in directory`);
    const withName = users.filter((u) => shown(u));
    expect(withName.some((u) => u.inDirectory === false)).toBe(true);
    const named = withName.sort((a, b) => collator.compare(shown(a)!, shown(b)!)).map(cell);
    const expected = [...named, ...users.filter((u) => !shown(u)).map(() => "")];
    expect(await columnTexts(page, "Users", COLUMN.name)).toEqual(expected);
    await page.keyboard.press("Space");
    await expect(header).toHaveAttribute("aria-sort", "descending");
    const descending = await columnTexts(page, "Users", COLUMN.name);
    expect(descending.slice(0, named.length)).toEqual([...named].reverse());
    await expect(page).toHaveURL(/sort=name\.desc/);
  });

  test("the search box filters by name, username and email", async ({ page }) => {
    const table = await openUsers(page);
    const search = page.getByRole("searchbox", { name: "Search users" });
    await search.fill("ivy");
    await expect(page).toHaveURL(/q=ivy/);
    await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(["ivy@e2e.test"]);
    await search.fill("Builder");
    await expect.poll(() => columnTexts(page, "Users", COLUMN.username)).toEqual(["bo"]);
    await search.fill("FRANK@");
    await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(["frank@e2e.test"]);
    await search.fill("no-such-user");
    await expect(table).toHaveCount(0);
    await expect(page.getByText("No users match")).toBeVisible();
    await search.fill("");
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
  });

  test("Last Active shows date added and total active days on hover and on keyboard focus", async ({ page }) => {
    const table = await openUsers(page);
    const users = await apiUsers(page.request);
    const ana = users.find((u) => u.email === "ana@e2e.test")!;
    const bo = users.find((u) => u.email === "bo@e2e.test")!;
    const rowOf = (email: string) => table.getByRole("row").filter({ has: page.getByRole("cell", { name: email, exact: true }) });

    await rowOf("ana@e2e.test").locator("time").hover();
    const tooltip = page.getByRole("tooltip");
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText(`Date added: ${utcDate(ana.addedAt!)}`);
    await expect(tooltip).toContainText(`Total active days: ${ana.activeDays}`);
    await page.mouse.move(0, 0);
    await expect(page.getByRole("tooltip")).toHaveCount(0);

    // Keyboard: Tab from the column header enters the rows (one tab stop), ArrowRight reaches Last Active.
    await page.getByRole("searchbox", { name: "Search users" }).fill("bo@e2e");
    await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(["bo@e2e.test"]);
    await table.getByRole("columnheader", { name: "Number of active days" }).getByRole("button").focus();
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    await expect(focused).toHaveText("Bo Builder");
    // The name's link to the user page is inside the cell, not a Tab stop of its own.
    const link = focused.getByRole("link", { name: "Bo Builder" });
    await expect(link).toHaveAttribute("href", new RegExp(`^/org/users/\\d+\\?org=default&asOf=`));
    await expect(link).toHaveAttribute("tabindex", "-1");
    for (let i = 0; i < COLUMN.lastActive; i++) await page.keyboard.press("ArrowRight");
    await expect(focused).toHaveAccessibleDescription(new RegExp(`Date added: ${utcDate(bo.addedAt!)}\\s*Total active days: ${bo.activeDays}`));
    await expect(page.getByRole("tooltip")).toContainText(`Total active days: ${bo.activeDays}`);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("tooltip")).toHaveCount(0);

    // Enter on the Name cell follows its link.
    await page.keyboard.press("Home");
    await expect(focused).toHaveText("Bo Builder");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/org\/users\/\d+\?org=default&asOf=/);
  });

  test("Export as CSV (all) downloads the export, matching the API column by column", async ({ page }) => {
    await openUsers(page);
    const users = await apiUsers(page.request);
    const actions = page.getByRole("button", { name: "Actions" });
    await expect(actions).toHaveAttribute("aria-haspopup", "menu");
    // Keyboard: the menu opens on Enter, Escape closes it and returns focus.
    await actions.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menuitem", { name: `Export as CSV: the ${users.length} shown` })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
    await expect(actions).toBeFocused();

    await actions.click();
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("menuitem", { name: `Export as CSV: all ${users.length} users` }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe(`users-default-${AS_OF}.csv`);
    const text = await readFile((await download.path())!, "utf8");

    expect(text.split("\n")[0]).toBe(
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
    );
    const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBe(users.length);
    const labels = { active: "Active", invite_pending: "Invite pending", deactivated: "Deactivated", inactive: "Inactive" };
    for (const user of users) {
      const row = parsed.data.find((r) => r.Email === (user.email ?? "") && r.Username === (user.username ?? ""));
      expect(row, `CSV row for ${user.email}`).toBeDefined();
      for (const [column, value] of Object.entries(row!)) {
        // Nothing a spreadsheet would run as a formula.
        expect(value, `${column} of ${user.email}`).not.toMatch(/^[=+\-@\t\r]/);
      }
      expect((row!.Name ?? "").replace(/^'(?=[=+\-@])/, "")).toBe(user.name ?? "");
      expect(row!["Last active"]).toBe(user.lastActive ?? "");
      expect(row!.Role).toBe(user.role ?? "");
      expect(row!.Teams).toBe([...user.teams].sort().join(", "));
      expect(row!.Status).toBe(labels[user.status]);
      expect(row!["Number of Reports"]).toBe(String(user.reports));
      expect(row!["Number of Runs"]).toBe(String(user.runs));
      expect(row!["Number of active days"]).toBe(String(user.activeDays));
      expect(row!["Models Seat"]).toBe(user.modelsSeat ?? "");
    }
    const formula = parsed.data.find((r) => r.Username === "formula")!;
    expect(formula.Name?.startsWith("=")).toBe(false);
    expect(formula.Name).toContain('=HYPERLINK("x")');
  });

  test("an API error shows a Retry button, and an empty organization says how to fill it", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.route("**/api/v1/users?*", (route) =>
      route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: { code: "internal", message: "store exploded" } }) }),
    );
    await page.goto(dashboardUrl());
    const alert = page.getByRole("alert").filter({ hasText: "Could not load users" });
    await expect(alert).toContainText("store exploded");
    await page.unroute("**/api/v1/users?*");
    await alert.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();

    await page.route("**/api/v1/users?*", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ asOf: AS_OF, users: [] }) }),
    );
    await page.reload();
    await expect(page.getByText("No users yet — ingest audit logs or import users")).toBeVisible();
  });
});
