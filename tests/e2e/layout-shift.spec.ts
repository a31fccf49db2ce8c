// No layout shift when data (and lazily loaded code) arrives: the cumulative layout shift of
// the Users and Activity tabs, measured by the browser (PerformanceObserver "layout-shift",
// shifts right after input excluded as the metric does), stays under 0.05 — half the "good"
// bound of 0.1, since these pages reserve the space of everything that loads late.
import { expect, test, type Page } from "@playwright/test";
import { accounts, dashboardUrl, signInViaApi } from "./support";

const CLS_BOUND = 0.05;

async function observeShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __shifts: { value: number; sources: string[] }[] };
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null }[] })[]) {
        if (entry.hadRecentInput) continue;
        const sources = (entry.sources ?? []).map((s) =>
          s.node instanceof Element ? `${s.node.tagName.toLowerCase()}.${s.node.className}`.slice(0, 120) : String(s.node?.nodeName),
        );
        w.__shifts.push({ value: entry.value, sources });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

/** The sum of every shift (stricter than the metric's worst 5-second window). */
async function cumulativeShift(page: Page): Promise<{ total: number; shifts: { value: number; sources: string[] }[] }> {
  // Let late work (chart code, fonts, timers) land before reading.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1_000);
  const shifts = await page.evaluate(() => (window as unknown as { __shifts: { value: number; sources: string[] }[] }).__shifts);
  const total = shifts.reduce((s, e) => s + e.value, 0);
  test.info().annotations.push({ type: "cumulative layout shift", description: total.toFixed(4) });
  console.log(`${test.info().title}: cumulative layout shift ${total.toFixed(4)} (${shifts.length} shifts)`);
  return { total, shifts };
}

test.describe("layout stability", () => {
  test.beforeEach(async ({ page }) => {
    await observeShifts(page);
    await signInViaApi(page, accounts().admin);
  });

  test("the Users tab does not shift when the table's code and the users arrive", async ({ page }) => {
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(page.getByText(/\d+ users · as of/)).toBeVisible();
    const { total, shifts } = await cumulativeShift(page);
    expect(total, JSON.stringify(shifts)).toBeLessThan(CLS_BOUND);
  });

  test("the Activity tab does not shift when its code, the charts and the data arrive", async ({ page }) => {
    await page.goto(dashboardUrl({ tab: "activity" }));
    await expect(page.getByTestId("active-user-count")).toBeVisible();
    await expect(page.locator("figure svg").first()).toBeVisible();
    const { total, shifts } = await cumulativeShift(page);
    expect(total, JSON.stringify(shifts)).toBeLessThan(CLS_BOUND);
  });

  test("switching from Users to Activity does not shift the page below the tabs", async ({ page }) => {
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await cumulativeShift(page);
    await page.evaluate(() => ((window as unknown as { __shifts: unknown[] }).__shifts = []));
    // A click is input: shifts within 500 ms of it do not count; the data and code arriving later do.
    await page.getByRole("tab", { name: "Activity" }).click();
    await expect(page.getByTestId("active-user-count")).toBeVisible();
    const { total, shifts } = await cumulativeShift(page);
    expect(total, JSON.stringify(shifts)).toBeLessThan(CLS_BOUND);
  });
});
