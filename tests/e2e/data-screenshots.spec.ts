// Screenshots of the Data page for docs/screenshots (run on demand, not in the suite):
//   ORGTRAIL_E2E_DEMO=1 ORGTRAIL_E2E_SCREENSHOTS=1 npx playwright test tests/e2e/data-screenshots.spec.ts
// The demo organization (seeded by serve.mjs with ORGTRAIL_E2E_DEMO=1, verified first so the
// integrity card shows an outcome) and the empty one, at 390, 1440 and 1920 px wide.
import { expect, test, type Page } from "@playwright/test";
import { accounts, signInViaApi } from "./support";

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

test.skip(process.env.ORGTRAIL_E2E_SCREENSHOTS !== "1", "screenshots are made on demand (ORGTRAIL_E2E_SCREENSHOTS=1)");

async function settled(page: Page) {
  await expect(page.getByRole("heading", { name: "Data", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Sources" }).getByRole("region").first()).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await expect(page.getByTestId("freshness-indicator")).toBeVisible();
}

test("Data page of the demo organization", async ({ page }) => {
  const demo = accounts().demo;
  test.skip(!demo, "the e2e server was started without ORGTRAIL_E2E_DEMO=1");
  await signInViaApi(page, demo!);
  await page.setViewportSize(WIDTHS[1]!);
  await page.goto("/org/data");
  await settled(page);
  await page.getByRole("button", { name: "Verify now" }).click();
  await expect(page.getByTestId("integrity-outcome")).toContainText("Verified:", { timeout: 120_000 });
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.reload();
    await settled(page);
    await page.screenshot({ path: `docs/screenshots/data-demo-${size.width}.png`, fullPage: true });
  }
});

test("Data page and Users tab of an empty organization", async ({ page }) => {
  await signInViaApi(page, accounts().empty);
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.goto("/org/data");
    await settled(page);
    await page.screenshot({ path: `docs/screenshots/data-empty-${size.width}.png`, fullPage: true });
  }
  await page.setViewportSize(WIDTHS[1]!);
  await page.goto("/org/dashboard");
  await expect(page.getByRole("region", { name: "Getting data in" })).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/users-empty-org.png" });
});
