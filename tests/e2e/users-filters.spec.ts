// The Users tab's status filter (counts checked against GET /api/v1/users?status=), search over
// teams, both in the URL, the "not in directory" badge, the "-" tooltip's last activity, the
// column chooser and the export of the rows shown (filter and sort as on screen), parsed row by row.
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import { accounts, apiUsers, AS_OF, COLUMN, columnTexts, dashboardUrl, signInViaApi, utcDate, type ApiUser } from "./support";

const STATUSES = [
  ["active", "Active"],
  ["inactive", "Inactive"],
  ["invite_pending", "Invite pending"],
  ["deactivated", "Deactivated"],
] as const;
const LABELS: Record<ApiUser["status"], string> = { active: "Active", inactive: "Inactive", invite_pending: "Invite pending", deactivated: "Deactivated" };
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** The records of a CSV text: line breaks inside quoted values do not end a record. */
function csvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === "\n" && !quoted) {
      records.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}

/** The test's own search: a case-insensitive substring of name, username, email or a team. */
const matches = (u: ApiUser, q: string) => [u.name, u.username, u.email, ...u.teams].some((v) => v?.toLowerCase().includes(q.toLowerCase()));

async function openUsers(page: Page, params: Record<string, string> = {}) {
  await signInViaApi(page, accounts().admin);
  await page.goto(dashboardUrl(params));
  await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
}

const radio = (page: Page, label: string) => page.getByRole("group", { name: "Status" }).getByRole("radio", { name: new RegExp(`^${label} [\\d,]+$`) });
const count = (page: Page, status: string) => page.getByTestId(`status-count-${status}`);

test.describe("Users tab · status filter, search, columns, export", () => {
  test("each status filter shows its count, the same users as GET /api/v1/users?status=, and stays in the URL", async ({ page }) => {
    await openUsers(page);
    const all = await apiUsers(page.request);
    await expect(count(page, "all")).toHaveText(String(all.length));
    for (const [status, label] of STATUSES) {
      const fromApi = await apiUsers(page.request, status);
      expect(fromApi.length, status).toBeGreaterThan(0);
      await expect(count(page, status)).toHaveText(String(fromApi.length));
      await radio(page, label).check();
      await expect(page).toHaveURL(new RegExp(`status=${status}`));
      // The count line first: reading the rows while the table still changes would wait on a row that went away.
      await expect(page.getByText(`${fromApi.length} of ${all.length} users`)).toBeVisible();
      await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(fromApi.map((u) => u.email ?? ""));
    }
    // A bookmark restores it; All removes it from the URL.
    await page.reload();
    await expect(radio(page, "Deactivated")).toBeChecked();
    await radio(page, "All").check();
    await expect(page).not.toHaveURL(/status=/);
  });

  test("search matches teams too, combines with the filter, and the counts follow the search", async ({ page }) => {
    await openUsers(page);
    const all = await apiUsers(page.request);
    const search = page.getByRole("searchbox", { name: "Search users" });
    await search.fill("VISION");
    await expect(page).toHaveURL(/q=VISION/);
    const vision = all.filter((u) => matches(u, "vision"));
    expect(vision.length).toBeGreaterThan(1);
    expect(vision.some((u) => !matches({ ...u, teams: [] }, "vision"))).toBe(true); // found by team alone
    await expect(page.getByText(`${vision.length} of ${all.length} users`)).toBeVisible();
    await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(vision.map((u) => u.email ?? ""));
    await expect(count(page, "all")).toHaveText(String(vision.length));
    for (const [status] of STATUSES) await expect(count(page, status)).toHaveText(String(vision.filter((u) => u.status === status).length));

    await radio(page, "Active").check();
    await expect(page.getByText(`${vision.filter((u) => u.status === "active").length} of ${all.length} users`)).toBeVisible();
    await expect.poll(() => columnTexts(page, "Users", COLUMN.email)).toEqual(vision.filter((u) => u.status === "active").map((u) => u.email ?? ""));
    await page.reload();
    await expect(page.getByRole("searchbox", { name: "Search users" })).toHaveValue("VISION");
    await expect(radio(page, "Active")).toBeChecked();

    await page.getByRole("searchbox", { name: "Search users" }).fill("no-such-user");
    await expect(page.getByText("No users match “no-such-user” among “Active”")).toBeVisible();
  });

  test("an event-only user shows its email as name with a 'not in directory' badge; '-' says when the user was last active", async ({ page }) => {
    await openUsers(page);
    const all = await apiUsers(page.request);
    const table = page.getByRole("table", { name: "Users" });
    const eventOnly = all.filter((u) => u.inDirectory === false);
    expect(eventOnly.map((u) => u.email)).toEqual(["frank@e2e.test"]);
    const row = (email: string) => table.getByRole("row").filter({ has: page.getByRole("cell", { name: email, exact: true }) });
    const nameCell = row("frank@e2e.test").getByRole("cell").nth(COLUMN.name);
    await expect(nameCell).toHaveText("frank@e2e.test not in directory", { useInnerText: true });
    await expect(row("ana@e2e.test").getByRole("cell").nth(COLUMN.name)).not.toContainText("not in directory");

    const cy = all.find((u) => u.email === "cy@e2e.test")!;
    expect(cy.status).toBe("inactive");
    const [y1, m1, d1] = cy.lastActive!.slice(0, 10).split("-").map(Number) as [number, number, number];
    const [y2, m2, d2] = AS_OF.split("-").map(Number) as [number, number, number];
    const months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
    await row("cy@e2e.test").getByRole("cell").nth(COLUMN.lastActive).hover();
    await expect(page.getByRole("tooltip")).toContainText(`Last active ${utcDate(cy.lastActive!)} (${months} months ago)`);
    await expect(page.getByRole("tooltip")).toContainText(`Total active days: ${cy.activeDays}`);
  });

  test("the column chooser adds Runs, Reports and Models Seat, kept in the URL", async ({ page }) => {
    await openUsers(page);
    const all = await apiUsers(page.request);
    const table = page.getByRole("table", { name: "Users" });
    await expect(table.getByRole("columnheader", { name: "Runs" })).toHaveCount(0);
    const chooser = page.getByRole("button", { name: "Columns" });
    await chooser.click();
    for (const name of ["Runs", "Reports", "Models Seat"]) await page.getByRole("checkbox", { name }).check();
    await expect(page).toHaveURL(/cols=runs%2Creports%2CmodelsSeat|cols=runs,reports,modelsSeat/);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("checkbox", { name: "Runs" })).toBeHidden();
    await expect(chooser).toBeFocused();
    for (const name of ["Runs", "Reports", "Models Seat"]) await expect(table.getByRole("columnheader", { name })).toBeVisible();
    expect(await columnTexts(page, "Users", 7)).toEqual(all.map((u) => String(u.runs)));
    expect(await columnTexts(page, "Users", 8)).toEqual(all.map((u) => String(u.reports)));
    expect(await columnTexts(page, "Users", 9)).toEqual(all.map((u) => u.modelsSeat ?? ""));
    // They sort like the others: Runs descending first.
    await table.getByRole("columnheader", { name: "Runs" }).getByRole("button").click();
    await expect(page).toHaveURL(/sort=runs\.desc/);
    expect(await columnTexts(page, "Users", 7)).toEqual(
      all
        .map((u) => u.runs)
        .sort((a, b) => b - a)
        .map(String),
    );
    await page.reload();
    await expect(page.getByRole("table", { name: "Users" }).getByRole("columnheader", { name: "Models Seat" })).toBeVisible();
    expect(
      (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => v.id),
    ).toEqual([]);
  });

  test("Export as CSV: the N shown writes the filtered, sorted rows in the server's format", async ({ page }) => {
    await openUsers(page, { q: "e2e.test", status: "active", sort: "email.desc" });
    const active = (await apiUsers(page.request, "active")).filter((u) => matches(u, "e2e.test"));
    const expected = [...active].sort((a, b) => collator.compare(b.email ?? "", a.email ?? ""));
    expect(expected.length).toBeGreaterThan(2);
    const all = await apiUsers(page.request);
    expect(expected.length).toBeLessThan(all.length);

    await page.getByRole("button", { name: "Actions" }).click();
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("menuitem", { name: `Export as CSV: the ${expected.length} shown` }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe(`users-default-${AS_OF}.csv`);
    const text = await readFile((await download.path())!, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const [header, ...records] = csvRecords(text);
    expect(header).toBe(
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
    );
    expect(records).toHaveLength(expected.length);
    records.forEach((record, i) => {
      const u = expected[i]!;
      const parsed = Papa.parse<string[]>(record);
      expect(parsed.errors).toEqual([]);
      expect(parsed.data[0], `row ${i + 1}`).toEqual([
        (u.name ?? "").replace(/^(?=[=+\-@])/, "'"),
        u.username ?? "",
        u.lastActive ?? "",
        u.role ?? "",
        u.email ?? "",
        [...u.teams].sort().join(", "),
        LABELS[u.status],
        String(u.reports),
        String(u.runs),
        String(u.activeDays),
        u.modelsSeat ?? "",
      ]);
    });
    // Numbers bare, strings quoted, formulas neutralized: byte for byte what the server writes for the same users.
    const server = csvRecords(await (await page.request.get(`/api/v1/users/export.csv?asOf=${AS_OF}&status=active`)).text()).slice(1);
    const byEmail = new Map(server.map((r) => [Papa.parse<string[]>(r).data[0]![4], r]));
    records.forEach((record, i) => expect(record).toBe(byEmail.get(expected[i]!.email ?? "")));
  });
});
