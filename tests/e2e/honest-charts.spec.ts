// Honest charts (issue 15): today's unfinished day and partial weeks are drawn apart and say so,
// axes carry the year when a range crosses one, the as-of picker sets asOf, and a bad asOf or
// period in the link shows one banner with Reset instead of an error in every card.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { E2eAccount } from "./accounts";
import { makeOrg } from "./org-fixture";
import { accounts, apiJson, AS_OF, dashboardUrl, signInViaApi } from "./support";

interface Panel {
  from: string;
  to: string;
  weekly: { weekStart: string; activeUsers: number }[];
}

const DAY = 86_400_000;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The test's own count of a week's days inside [from, to] and not after today. */
function daysCounted(weekStart: string, from: string, to: string, today: string): number {
  let n = 0;
  for (let i = 0; i < 7; i++) {
    const d = dayMs(weekStart) + i * DAY;
    if (d >= dayMs(from) && d <= dayMs(to) && d <= dayMs(today)) n++;
  }
  return n;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

const today = iso(Date.now());
let live: E2eAccount;

test.beforeAll(async ({ playwright, baseURL }) => {
  // An organization with activity up to today: five users a day for ten days, one so far today.
  const events: Record<string, unknown>[] = [];
  for (let back = 10; back >= 1; back--) {
    for (let u = 0; u < 5; u++)
      events.push({ action: "user:login", actor_email: `u${u}@live.test`, timestamp: `${iso(Date.now() - back * DAY)}T10:0${u}:00Z` });
  }
  events.push({ action: "user:login", actor_email: "u0@live.test", timestamp: `${today}T00:00:00Z` });
  live = await makeOrg(playwright, baseURL, "e2e-live", { events });
});

test.describe("honest charts", () => {
  test("partial weeks are hatched, and their tooltips and the table say how many days they hold", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    for (const range of [30, 90]) {
      await page.goto(dashboardUrl({ tab: "activity", range: String(range) }));
      const panelRegion = page.getByRole("region", { name: "Activity panel" });
      const panel = await apiJson<Panel>(page.request, `/api/v1/activity/panel?range=${range}&asOf=${AS_OF}`);
      const partial = panel.weekly.filter((w) => daysCounted(w.weekStart, panel.from, panel.to, today) < 7);
      // 30 days to Tuesday 2026-03-31: the last week holds 2 days; 90 days start on Thursday 2026-01-01: 4 days.
      expect(partial.map((w) => daysCounted(w.weekStart, panel.from, panel.to, today))).toEqual(range === 30 ? [2] : [4, 2]);
      await expect(panelRegion.locator("svg.recharts-surface")).toBeVisible();
      const bars = panelRegion.locator("path.recharts-rectangle");
      await expect(bars).toHaveCount(panel.weekly.filter((w) => w.activeUsers > 0).length);
      await expect(panelRegion.locator('path.recharts-rectangle[fill^="url(#hatch"]')).toHaveCount(partial.filter((w) => w.activeUsers > 0).length);
      await expect(panelRegion.getByText("Hatched: partial week")).toBeVisible();
      const rows = panelRegion.getByRole("table", { name: "Weekly active users" }).getByRole("row");
      for (const [i, w] of panel.weekly.entries()) {
        const n = daysCounted(w.weekStart, panel.from, panel.to, today);
        if (n < 7) await expect(rows.nth(i + 1)).toContainText(`partial: ${n} of 7 days`);
        else await expect(rows.nth(i + 1)).not.toContainText("partial");
      }
      // The tooltip of the last (partial) bar.
      await bars.last().hover();
      await expect(panelRegion.locator(".recharts-tooltip-wrapper")).toContainText("partial: 2 of 7 days");
      await expect(panelRegion.getByText("Partial: includes today")).toHaveCount(0);
    }
  });

  test("today's unfinished day is dashed and its tooltip says it is not over; the totals say they include it", async ({ page }) => {
    await signInViaApi(page, live);
    await page.goto(`/org/dashboard?tab=activity&trend=30d&range=7`);
    const card = page.getByRole("region", { name: "Users active over time" });
    await expect(card.locator("svg.recharts-surface")).toBeVisible();
    await expect(card.locator("path.recharts-curve[stroke-dasharray]")).toHaveCount(1);
    await expect(card.locator('circle[data-partial="true"]')).toHaveCount(1);
    await expect(card.locator("figcaption")).toContainText("is partial (today is not over)");
    const box = (await card.locator("svg.recharts-surface").boundingBox())!;
    await page.mouse.move(box.x + box.width - 17, box.y + box.height / 2);
    await expect(card.locator(".recharts-tooltip-wrapper")).toContainText("partial: today is not over");
    await expect(card.locator(".recharts-tooltip-wrapper")).toContainText("1 active user");
    await expect(page.getByRole("region", { name: "Total active users" })).toContainText("Partial: includes today, which is not over");
    const panelRegion = page.getByRole("region", { name: "Activity panel" });
    await expect(panelRegion).toContainText("Partial: includes today, which is not over");
    await expect(panelRegion.getByRole("table", { name: "Weekly active users" }).getByRole("row").last()).toContainText("today not over");
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("axis labels carry the year when the range crosses one", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity", trend: "12m" }));
    const ticks = page.getByRole("region", { name: "Users active over time" }).locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(ticks.first()).toBeVisible();
    const yearly = await ticks.allTextContents();
    expect(yearly.length).toBeGreaterThan(1);
    for (const t of yearly) expect(t).toMatch(/^[A-Z][a-z]{2} \d{1,2}, 20\d\d$/);
    expect(new Set(yearly).size).toBe(yearly.length);

    await page.getByRole("combobox", { name: "Users active over time period" }).selectOption("30d");
    await expect(page.getByRole("region", { name: "Users active over time" }).locator("figcaption")).toContainText("Mar 2, 2026");
    for (const t of await ticks.allTextContents()) expect(t).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
  });

  for (const [param, value, text] of [
    ["asOf", "2020-02-30", "not a calendar date"],
    ["period", "7y", "not one of 30d, 3m, 6m, 12m, all"],
  ] as const) {
    test(`an invalid ${param} in the link shows one banner with Reset, and no API call is made with it`, async ({ page }) => {
      await signInViaApi(page, accounts().admin);
      const asked: string[] = [];
      page.on("request", (r) => r.url().includes("/api/v1/") && asked.push(r.url()));
      await page.goto(`/org/dashboard?tab=activity&range=90&${param}=${value}`);
      // One alert on the page (Next's route announcer, outside main, is another role=alert).
      const banner = page.getByRole("main").getByRole("alert");
      await expect(banner).toHaveCount(1);
      await expect(banner).toContainText(`${param}=${value}`);
      await expect(banner).toContainText(text);
      await expect(page.getByText("Could not load")).toHaveCount(0);
      expect(asked.filter((u) => u.includes(encodeURIComponent(value)) || u.includes(value))).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await banner.getByRole("button", { name: "Reset" }).click();
      await expect(page).not.toHaveURL(new RegExp(`${param}=`));
      await expect(page).toHaveURL(/tab=activity&range=90|range=90.*tab=activity/);
      await expect(page.getByTestId("total-active-users")).toBeVisible();
      await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
    });
  }

  test("the as-of date picker sets asOf in the URL and every number follows; Today clears it", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity" }));
    const picker = page.getByLabel("As of");
    await expect(picker).toHaveValue(AS_OF);
    await picker.fill("2026-03-15");
    await expect(page).toHaveURL(/asOf=2026-03-15/);
    const activity = await apiJson<{ totalActiveUsers: number }>(page.request, `/api/v1/activity?period=3m&asOf=2026-03-15`);
    await expect(page.getByTestId("total-active-users")).toHaveText(String(activity.totalActiveUsers));
    await expect(page.getByRole("region", { name: "Total active users" })).toContainText("Mar 15, 2026");
    await page.getByRole("tab", { name: "Users" }).click();
    await expect(page.getByText(/users · as of 2026-03-15/)).toBeVisible();
    await page.getByRole("button", { name: "Today" }).click();
    await expect(page).not.toHaveURL(/asOf=/);
    await expect(page.getByLabel("As of")).toHaveValue(today);
  });
});
