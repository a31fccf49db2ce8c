// The explorer tried on the demo organization as a new admin would, with screenshots for
// docs/screenshots (run on demand, not in the suite):
//   ORGTRAIL_E2E_DEMO=1 ORGTRAIL_E2E_SCREENSHOTS=1 npx playwright test tests/e2e/explorer-screenshots.spec.ts
// Who created API keys last month; every failed request from one address range; one user's history.
import { expect, test, type Page } from "@playwright/test";
import { accounts, apiJson, signInViaApi } from "./support";

test.skip(process.env.ORGTRAIL_E2E_SCREENSHOTS !== "1", "screenshots are made on demand (ORGTRAIL_E2E_SCREENSHOTS=1)");

interface Facets {
  values: { value: string; count: number }[];
}

async function search(page: Page, q: string): Promise<void> {
  const box = page.getByRole("combobox", { name: "Filter" });
  await box.fill(q);
  await box.press("Escape");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(q);
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  const answer = await apiJson<{ total: number }>(page.request, `/api/v1/events?limit=1&q=${encodeURIComponent(q)}`);
  await expect(answer.total > 0 ? page.getByText(new RegExp(`^${answer.total.toLocaleString("en-US")} events?, newest first$`)) : page.getByText("No event matches this filter.")).toBeVisible();
}

test("the demo organization: API keys last month, failures from one range, one user's history", async ({ page }) => {
  const demo = accounts().demo;
  test.skip(!demo, "the e2e server was started without ORGTRAIL_E2E_DEMO=1");
  await signInViaApi(page, demo!);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto("/org/audit-logs");
  await expect(page.getByRole("heading", { name: "Audit logs", level: 1 })).toBeVisible();

  const history = await apiJson<{ to: string }>(page.request, "/api/v1/events/histogram");
  const last = new Date(`${history.to}T00:00:00Z`);
  const from = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 0)).toISOString().slice(0, 10);
  await search(page, `action:user:create_api_key created:${from}..${to}`);
  await page.screenshot({ path: "docs/screenshots/explorer-api-keys-last-month.png", fullPage: true });

  const ips = await apiJson<Facets>(page.request, `/api/v1/events/facets?field=ip&q=${encodeURIComponent("status:>=400")}`);
  const range = `${ips.values[0]!.value.split(".").slice(0, 3).join(".")}.0/24`;
  await search(page, `status:>=400 ip:${range}`);
  await page.screenshot({ path: "docs/screenshots/explorer-failures-from-a-range.png", fullPage: true });

  const actors = await apiJson<Facets>(page.request, "/api/v1/events/facets?field=actor");
  await search(page, `actor:${actors.values[3]!.value}`);
  const table = page.getByRole("table");
  await table.getByRole("row").nth(1).getByRole("button").click();
  await expect(page.getByLabel("The whole event")).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/explorer-user-history.png", fullPage: true });
});
