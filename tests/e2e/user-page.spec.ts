// A user's page (/org/users/[id]) over the e2e fixture: opened from the Users tab and from the
// Most active list, its fields shown as the Users tab shows them, the calendar heatmap (a
// cell's tooltip by mouse and keyboard, the cells against the API), the lifecycle list, the
// recent events with the link to the explorer, the roles, and an axe scan.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { UserDetail } from "@/lib/activity/types";
import { accounts, apiJson, AS_OF, COLUMN, dashboardUrl, signInViaApi, utcDate } from "./support";

interface EventsPage {
  events: Record<string, unknown>[];
  total: number;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const field = (page: Page, label: string) =>
  page
    .getByRole("region", { name: "Profile" })
    .locator("dt", { hasText: new RegExp(`^${label}$`) })
    .locator("xpath=following-sibling::dd[1]");
const idOf = (page: Page) => Number(new URL(page.url()).pathname.split("/").at(-1));

test.describe("a user's page", () => {
  test("opened from the Users tab: the same fields, the heatmap, the lifecycle and the recent events", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    const table = page.getByRole("table", { name: "Users" });
    const row = table.getByRole("row").filter({ has: page.getByRole("cell", { name: "bo@e2e.test", exact: true }) });
    // What the Users tab shows for Bo: the row's cells and the Last Active tooltip.
    await expect(row).toBeVisible();
    const cells = (await row.getByRole("cell").allInnerTexts()).map(oneLine);
    await row.getByRole("cell").nth(COLUMN.lastActive).hover();
    const tabTooltip = oneLine(await page.getByRole("tooltip").filter({ hasText: "Date added" }).innerText());
    await row.getByRole("link", { name: "Bo Builder" }).click();
    await expect(page).toHaveURL(new RegExp(`/org/users/\\d+\\?org=default&asOf=${AS_OF}$`));
    await expect(page.getByRole("heading", { name: "Bo Builder", level: 1 })).toBeVisible();
    const detail = await apiJson<UserDetail>(page.request, `/api/v1/users/${idOf(page)}?asOf=${AS_OF}`);
    expect(detail.user.email).toBe("bo@e2e.test");

    // The fields as the Users tab shows them: name, username, email, role, teams, last active, active days.
    const [name, username, email, role, teams, lastActive, activeDays] = cells;
    await expect(field(page, "Name")).toHaveText(name!);
    await expect(field(page, "Username")).toHaveText(username!);
    await expect(field(page, "Email")).toHaveText(email!);
    await expect(field(page, "Role")).toHaveText(role!);
    await expect(field(page, "Teams")).toHaveText(teams!);
    expect(oneLine(await field(page, "Last active").innerText())).toBe(lastActive);
    await expect(field(page, "Number of active days")).toHaveText(activeDays!);
    expect(tabTooltip).toContain(`Date added: ${oneLine(await field(page, "Date added").innerText())}`);
    expect(tabTooltip).toContain(`Total active days: ${activeDays}`);
    await expect(field(page, "Date added")).toHaveText(utcDate(detail.user.addedAt!));

    // The heatmap: one cell per day of the 12 months, the active ones with the API's counts.
    const grid = page.getByRole("grid", { name: /^Active days from/ });
    const rangeDays = (Date.parse(`${detail.to}T00:00:00Z`) - Date.parse(`${detail.from}T00:00:00Z`)) / 86_400_000 + 1;
    expect([detail.from, detail.to, rangeDays]).toEqual(["2025-03-31", AS_OF, 366]);
    await expect(grid.locator("[data-date]")).toHaveCount(rangeDays);
    const active = await grid
      .locator("[data-date]")
      .evaluateAll((els) =>
        els
          .filter((e) => e.getAttribute("data-events") !== "0")
          .map((e) => ({ date: e.getAttribute("data-date"), events: Number(e.getAttribute("data-events")) })),
      );
    // The DOM holds the days row by row (weekday); in date order they are the API's.
    expect(active.sort((a, b) => (a.date! < b.date! ? -1 : 1))).toEqual(detail.days);
    expect(detail.days.length).toBeGreaterThan(1);
    const day = detail.days[0]!;
    await grid.locator(`[data-date="${day.date}"]`).hover();
    const tip = page.getByRole("tooltip");
    await expect(tip).toContainText(utcDate(day.date));
    await expect(tip).toContainText(`${day.events} ${day.events === 1 ? "event" : "events"}`);
    // Keyboard: the grid is one tab stop (the last active day); arrows move a week or a day.
    const last = detail.days.at(-1)!;
    const lastCell = grid.locator(`[data-date="${last.date}"]`);
    await lastCell.focus();
    await expect(tip).toContainText(utcDate(last.date));
    await expect(lastCell).toHaveAttribute("tabindex", "0");
    await page.keyboard.press("ArrowLeft");
    const weekBefore = new Date(Date.parse(`${last.date}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    await expect(grid.locator(`[data-date="${weekBefore}"]`)).toBeFocused();
    await expect(tip).toContainText(utcDate(weekBefore));
    await page.keyboard.press("Escape");
    await expect(tip).toBeHidden();
    // The table alternative lists the same days.
    await page.getByText("Active days as a list").click();
    await expect(page.getByRole("region", { name: "Active days as a list" }).getByRole("row")).toHaveCount(detail.days.length + 1);

    // The lifecycle: Bo was created by Ana.
    const lifecycle = page.getByRole("region", { name: "Lifecycle" }).getByRole("listitem");
    await expect(lifecycle).toHaveCount(detail.lifecycle.length);
    await expect(lifecycle.first()).toContainText("Created");
    await expect(lifecycle.first()).toContainText("by ana@e2e.test");

    // The recent events: the explorer's answer for actor: up to the page's day, and a link to it.
    const q = `actor:bo@e2e.test created:<=${AS_OF}`;
    const events = await apiJson<EventsPage>(page.request, `/api/v1/events?q=${encodeURIComponent(q)}&limit=20`);
    expect(events.total).toBeGreaterThan(0);
    const recent = page.getByRole("table", { name: "Recent events" });
    await expect(recent.getByRole("row")).toHaveCount(events.events.length + 1);
    await expect(recent.getByRole("row").nth(1)).toContainText(String(events.events[0]!.action));
    await page.getByRole("link", { name: "Open in the audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Filter events" })).toHaveValue(q);
    await expect(page.getByTestId("events-total")).toContainText(`${events.total} matching event`);
  });

  test("opened from the Most active list, and a deactivated user's lifecycle", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity", range: "90" }));
    const panel = await apiJson<{ mostActive: { id: number; username: string | null; email: string | null }[] }>(
      page.request,
      `/api/v1/activity/panel?range=90&asOf=${AS_OF}`,
    );
    const top = panel.mostActive[0]!;
    const list = page.getByRole("region", { name: "Activity panel" }).getByRole("group", { name: "Most active users" });
    await list.getByRole("link", { name: top.username ?? top.email ?? "" }).click();
    await expect(page).toHaveURL(new RegExp(`/org/users/${top.id}\\?org=default&asOf=${AS_OF}$`));
    await expect(field(page, "Email")).toHaveText(top.email!);

    const users = await apiJson<{ users: { id: number; email: string }[] }>(page.request, `/api/v1/users?asOf=${AS_OF}`);
    const eve = users.users.find((u) => u.email === "eve@e2e.test")!;
    await page.goto(`/org/users/${eve.id}?asOf=${AS_OF}`);
    await expect(page.getByRole("region", { name: "Profile" }).getByText("Deactivated").first()).toBeVisible();
    const item = page.getByRole("region", { name: "Lifecycle" }).getByRole("listitem").filter({ hasText: "Deactivated" });
    await expect(item).toContainText("by ana@e2e.test");
    await expect(item.locator("time")).toHaveAttribute("datetime", "2026-03-05T10:00:00.000Z");
  });

  test("auditors read it; members get the access-denied view; an unknown id says so", async ({ browser }) => {
    const auditor = await browser.newPage();
    await signInViaApi(auditor, accounts().auditor);
    const users = await apiJson<{ users: { id: number; name: string | null }[] }>(auditor.request, `/api/v1/users?asOf=${AS_OF}`);
    const ana = users.users.find((u) => u.name === "Ana Admin")!;
    await auditor.goto(`/org/users/${ana.id}`);
    await expect(auditor.getByRole("heading", { name: "Ana Admin", level: 1 })).toBeVisible();
    await expect(auditor.getByText("read-only (auditor)")).toBeVisible();
    await auditor.goto("/org/users/999999");
    await expect(auditor.getByRole("heading", { name: "User not found" })).toBeVisible();
    await auditor.goto("/org/users/not-a-number");
    await expect(auditor.getByRole("heading", { name: "User not found" })).toBeVisible();
    await auditor.close();
    const member = await browser.newPage();
    await signInViaApi(member, accounts().member);
    await member.goto(`/org/users/${ana.id}`);
    await expect(member.getByRole("alert").filter({ hasText: "Access denied" })).toBeVisible();
    await member.close();
  });

  test("has no serious axe violations, with a heatmap tooltip shown", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    const users = await apiJson<{ users: { id: number; email: string }[] }>(page.request, `/api/v1/users?asOf=${AS_OF}`);
    await page.goto(`/org/users/${users.users.find((u) => u.email === "ana@e2e.test")!.id}?asOf=${AS_OF}`);
    await expect(page.getByRole("table", { name: "Recent events" })).toBeVisible();
    await page.getByRole("grid").locator('[tabindex="0"]').focus();
    await expect(page.getByRole("tooltip")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
