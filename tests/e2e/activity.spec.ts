import { expect, test, type Page } from "@playwright/test";
import { accounts, apiJson, AS_OF, dashboardUrl, signInViaApi } from "./support";

interface Activity {
  totalActiveUsers: number;
  series: { date: string; activeUsers: number }[];
}
interface Panel {
  activeUserCount: number;
  weekly: { weekStart: string; activeUsers: number }[];
  mostActive: { username: string | null; email: string | null; activeDays: number }[];
}

const activity = (page: Page, period: string) => apiJson<Activity>(page.request, `/api/v1/activity?period=${period}&asOf=${AS_OF}`);
const panel = (page: Page, range: number) => apiJson<Panel>(page.request, `/api/v1/activity/panel?range=${range}&asOf=${AS_OF}`);

async function openActivity(page: Page, params: Record<string, string> = {}) {
  await signInViaApi(page, accounts().admin);
  await page.goto(dashboardUrl(params));
  const tab = page.getByRole("tab", { name: "Activity" });
  if ((await tab.getAttribute("aria-selected")) !== "true") await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
}

test.describe("Activity tab", () => {
  test("tabs switch with the arrow keys and the choice is kept in the URL", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await page.getByRole("tab", { name: "Users" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("tab", { name: "Activity" })).toBeFocused();
    await expect(page.getByRole("tab", { name: "Activity" })).toHaveAttribute("aria-selected", "true");
    await expect(page).toHaveURL(/tab=activity/);
    await expect(page.getByRole("tabpanel", { name: "Activity" })).toBeVisible();
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("tab", { name: "Users" })).toHaveAttribute("aria-selected", "true");
    await expect(page).not.toHaveURL(/tab=/);
  });

  test("the Total active users period drop-down changes the total and the URL", async ({ page }) => {
    await openActivity(page);
    const card = page.getByRole("region", { name: "Total active users" });
    const select = card.getByRole("combobox", { name: "Total active users period" });
    await expect(select).toHaveValue("3m");
    const [threeMonths, thirtyDays, twelveMonths] = await Promise.all([activity(page, "3m"), activity(page, "30d"), activity(page, "12m")]);
    expect(new Set([threeMonths.totalActiveUsers, thirtyDays.totalActiveUsers, twelveMonths.totalActiveUsers]).size).toBe(3);
    const total = card.getByTestId("total-active-users");
    await expect(total).toHaveText(String(threeMonths.totalActiveUsers));

    await select.selectOption({ label: "Last 30 days" });
    await expect(total).toHaveText(String(thirtyDays.totalActiveUsers));
    await expect(page).toHaveURL(/period=30d/);
    await select.selectOption({ label: "Last 12 months" });
    await expect(total).toHaveText(String(twelveMonths.totalActiveUsers));
    await expect(page).toHaveURL(/period=12m/);
    await expect(select.locator("option")).toHaveText(["Last 30 days", "Last 3 months", "Last 6 months", "Last 12 months", "All time"]);

    await page.reload();
    await expect(page.getByRole("region", { name: "Total active users" }).getByTestId("total-active-users")).toHaveText(String(twelveMonths.totalActiveUsers));
  });

  test("Users active over time defaults to 6 months and follows its own drop-down", async ({ page }) => {
    await openActivity(page);
    const card = page.getByRole("region", { name: "Users active over time" });
    const select = card.getByRole("combobox", { name: "Users active over time period" });
    await expect(select).toHaveValue("6m");
    const sixMonths = await activity(page, "6m");
    const first = sixMonths.series[0]!.date;
    await expect(card.locator("figcaption")).toContainText(
      new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" }).format(new Date(`${first}T00:00:00Z`)),
    );
    await expect(card.locator("svg.recharts-surface")).toBeVisible();
    await select.selectOption("30d");
    await expect(page).toHaveURL(/trend=30d/);
    await expect(card.locator("figcaption")).toContainText("Mar 2, 2026");
  });

  test("the Activity panel range picker updates count, weekly bars and most active users", async ({ page }) => {
    await openActivity(page);
    const panelRegion = page.getByRole("region", { name: "Activity panel" });
    const range = panelRegion.getByRole("combobox", { name: "Date range" });
    await expect(range).toHaveValue("30");
    const [seven, thirty, ninety] = await Promise.all([panel(page, 7), panel(page, 30), panel(page, 90)]);
    expect(new Set([seven.activeUserCount, thirty.activeUserCount, ninety.activeUserCount]).size).toBe(3);
    const count = panelRegion.getByTestId("active-user-count");
    const mostActive = panelRegion.getByRole("group", { name: "Most active users" }).getByRole("row");

    await expect(count).toHaveText(String(thirty.activeUserCount));
    await expect(mostActive).toHaveCount(thirty.mostActive.length + 1);

    for (const [value, expected] of [
      ["7", seven],
      ["90", ninety],
    ] as const) {
      await range.selectOption(value);
      await expect(page).toHaveURL(new RegExp(`range=${value}`));
      await expect(count).toHaveText(String(expected.activeUserCount));
      await expect(mostActive).toHaveCount(expected.mostActive.length + 1);
      const top = expected.mostActive[0]!;
      await expect(mostActive.nth(1)).toContainText(top.username ?? top.email ?? "");
      await expect(mostActive.nth(1)).toContainText(String(top.activeDays));
      const weeks = panelRegion.getByRole("table", { name: "Weekly active users" }).getByRole("row");
      await expect(weeks).toHaveCount(expected.weekly.length + 1);
      await expect(weeks.nth(expected.weekly.length)).toContainText(String(expected.weekly.at(-1)!.activeUsers));
    }
  });

  test("a bookmarked view opens as it was saved", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity", period: "6m", trend: "12m", range: "90" }));
    await expect(page.getByRole("tab", { name: "Activity" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByRole("combobox", { name: "Total active users period" })).toHaveValue("6m");
    await expect(page.getByRole("combobox", { name: "Users active over time period" })).toHaveValue("12m");
    await expect(page.getByRole("combobox", { name: "Date range" })).toHaveValue("90");
    const sixMonths = await activity(page, "6m");
    await expect(page.getByTestId("total-active-users")).toHaveText(String(sixMonths.totalActiveUsers));
  });

  test("a period without activity says so", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.route("**/api/v1/activity?*", (route) =>
      route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ period: "3m", from: "2025-12-31", to: AS_OF, totalActiveUsers: 0, series: [{ date: AS_OF, activeUsers: 0 }] }),
      }),
    );
    await page.goto(dashboardUrl({ tab: "activity" }));
    await expect(page.getByTestId("total-active-users")).toHaveText("0");
    await expect(page.getByRole("region", { name: "Users active over time" }).getByText("No activity in this period")).toBeVisible();
  });
});
