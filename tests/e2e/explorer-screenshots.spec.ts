// Screenshots of the explorer and a user's page for docs/screenshots, made by walking the three
// questions of docs/EXPLORER.md "Using the explorer" on the demo organization (run on demand):
//   ORGTRAIL_E2E_DEMO=1 ORGTRAIL_E2E_SCREENSHOTS=1 npx playwright test tests/e2e/explorer-screenshots.spec.ts
// Each step is also checked, so a screenshot never shows a page that did not answer.
import { expect, test, type Page } from "@playwright/test";
import { accounts, apiJson, signInViaApi } from "./support";

test.skip(process.env.ORGTRAIL_E2E_SCREENSHOTS !== "1", "screenshots are made on demand (ORGTRAIL_E2E_SCREENSHOTS=1)");
test.use({ viewport: { width: 1440, height: 900 } });

const field = (page: Page) => page.getByRole("combobox", { name: "Filter events" });
const suggestions = (page: Page) => page.getByRole("listbox", { name: "Suggestions" }).getByRole("option");
const total = (page: Page) => page.getByTestId("events-total");

async function settled(page: Page, q: string) {
  const expected = await apiJson<{ total: number }>(page.request, `/api/v1/events?org=demo&limit=1&q=${encodeURIComponent(q)}`);
  await expect(total(page)).toContainText(`${expected.total.toLocaleString("en-US")} matching event`);
  await expect(page.getByRole("complementary", { name: "Refine by value" }).getByRole("status")).toHaveCount(0);
  await expect(page.getByTestId("events-histogram").locator("svg.recharts-surface")).toBeVisible();
  await page.mouse.move(0, 0);
}

test("the explorer and a user's page on the demo organization", async ({ page }) => {
  const demo = accounts().demo;
  test.skip(!demo, "the e2e server was started without ORGTRAIL_E2E_DEMO=1");
  await signInViaApi(page, demo!);
  await page.goto("/org/dashboard?org=demo");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await settled(page, "");

  // 1. Who created API keys last month: the action from the suggestions, then "last month".
  const input = field(page);
  await input.click();
  await input.pressSequentially("action:api");
  await expect(suggestions(page).first()).toContainText("action:user:create_api_key");
  await input.press("ArrowDown");
  await input.press("Enter");
  await input.pressSequentially("created:");
  await expect(suggestions(page).filter({ hasText: "last month" })).toHaveCount(1);
  for (let i = 0; i < 4; i++) await input.press("ArrowDown");
  await expect(page.getByRole("option", { selected: true })).toContainText("last month");
  await page.screenshot({ path: "docs/screenshots/explorer-suggestions.png", clip: { x: 0, y: 120, width: 1440, height: 420 } });
  await input.press("Enter");
  await input.press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.get("q")).toMatch(/^action:user:create_api_key created:\d{4}-\d{2}-01\.\.\d{4}-\d{2}-\d{2}$/);
  await settled(page, new URL(page.url()).searchParams.get("q")!);
  await page.screenshot({ path: "docs/screenshots/explorer-api-keys.png" });

  // 2. Every failed request from one IP range, the newest opened.
  await input.fill("status:>=400 ip:198.51.100.0/24");
  await input.press("Enter");
  await settled(page, "status:>=400 ip:198.51.100.0/24");
  await page
    .getByRole("table", { name: "Events" })
    .getByRole("button", { name: /^Details of/ })
    .first()
    .click();
  await expect(page.getByLabel("The event as JSON")).toContainText('"actor_ip": "198.51.100.');
  await page.screenshot({ path: "docs/screenshots/explorer-failed-ip-range.png" });

  // 3. One user's history: a user who was deactivated and reactivated, from the Users tab.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByRole("searchbox", { name: "Search users" }).fill("naveen.johansson");
  await page.getByRole("table", { name: "Users" }).getByRole("link", { name: "Naveen Johansson" }).click();
  const grid = page.getByRole("grid");
  await expect(grid).toBeVisible();
  await expect(page.getByRole("region", { name: "Lifecycle" }).getByRole("listitem").filter({ hasText: "Reactivated" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent events" })).toBeVisible();
  await grid.locator('[data-events]:not([data-events="0"])').last().hover();
  await expect(page.getByRole("tooltip")).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/user-page.png", fullPage: true });
  await page.getByRole("link", { name: "Open in the audit log" }).click();
  await settled(page, "actor:naveen.johansson@acme.test");
  await page.screenshot({ path: "docs/screenshots/explorer-user-history.png" });
});
