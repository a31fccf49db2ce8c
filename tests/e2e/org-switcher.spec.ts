// The organization switcher and the demo banner (README "First start"): an admin of `default`
// and of the demo organization switches between them from the header; the URL carries
// `?org=SLUG`, every panel shows that organization's data, and the "demo data" banner with the
// command that connects a real platform shows on the demo only. Screenshots for the docs.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accounts, AS_OF, apiJson, signInViaApi, type ApiUser } from "./support";

const orgSwitcher = (page: Page) => page.getByRole("banner").getByRole("combobox", { name: "Organization" });
const banner = (page: Page) => page.getByRole("region", { name: "Demo data" });

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

test.describe("organization switcher", () => {
  test("switches organization (URL and data), the demo banner shows on the demo only", async ({ page }) => {
    await signInViaApi(page, accounts().multi);
    const usersOf = async (org: string) => (await apiJson<{ users: ApiUser[] }>(page.request, `/api/v1/users?org=${org}&asOf=${AS_OF}`)).users;
    const [real, demo] = [await usersOf("default"), await usersOf("demo")];
    expect(demo.length).toBeGreaterThan(real.length);

    const userRows = page.getByRole("table", { name: "Users" }).getByRole("row");
    await page.goto(`/org/dashboard?asOf=${AS_OF}`);
    // `default` holds events: the dashboard opens on it, the API's default too.
    await expect(orgSwitcher(page)).toHaveValue("default");
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(page.getByText(real[0]!.email!, { exact: true })).toBeVisible();
    await expect(banner(page)).toHaveCount(0);

    const usersRequest = page.waitForRequest((r) => r.url().includes("/api/v1/users") && r.url().includes("org=demo"));
    await orgSwitcher(page).selectOption("demo");
    await expect(page).toHaveURL(/[?&]org=demo(&|$)/);
    await usersRequest;
    await expect(orgSwitcher(page)).toHaveValue("demo");
    await expect(banner(page)).toBeVisible();
    await expect(banner(page)).toContainText("npx orgtrail pull --url");
    await expect(banner(page)).toContainText("npx orgtrail demo --remove");
    const firstDemo = demo.find((u) => u.email)!.email!;
    await expect(page.getByRole("table", { name: "Users" }).getByText(firstDemo, { exact: true }).first()).toBeVisible();
    await expect(page.getByText(real[0]!.email!, { exact: true })).toHaveCount(0);
    await expect(userRows.first()).toBeVisible();

    // The Activity tab and the Settings link stay in the demo organization.
    const activityRequest = page.waitForRequest((r) => r.url().includes("/api/v1/activity") && r.url().includes("org=demo"));
    await page.getByRole("tab", { name: "Activity" }).click();
    await activityRequest;
    await expect(page.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "/org/settings?org=demo");
    await expect(page).toHaveURL(/org=demo/);

    // And back.
    await orgSwitcher(page).selectOption("default");
    await expect(page).toHaveURL(/[?&]org=default(&|$)/);
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByRole("table", { name: "Users" }).getByText(real[0]!.email!, { exact: true })).toBeVisible();
  });

  test("axe finds nothing serious with the switcher and the banner (screenshots for the docs with ORGTRAIL_E2E_SCREENSHOTS=1)", async ({ page }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await signInViaApi(page, accounts().multi);
    await page.goto(`/org/dashboard?org=demo&asOf=${AS_OF}`);
    await expect(banner(page)).toBeVisible();
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    // The docs' screenshots on demand only, as the other screenshot specs: a test run leaves the tree as it was.
    if (process.env.ORGTRAIL_E2E_SCREENSHOTS !== "1") return;
    await page.screenshot({ path: "docs/screenshots/demo-banner.png", clip: { x: 0, y: 0, width: 1400, height: 420 } });
    await orgSwitcher(page).focus();
    await page.getByRole("banner").screenshot({ path: "docs/screenshots/org-switcher.png" });
  });

  test("an account in one organization sees it named, no switcher", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(`/org/dashboard?asOf=${AS_OF}`);
    await expect(page.getByRole("banner")).toContainText("Organization: default");
    await expect(orgSwitcher(page)).toHaveCount(0);
    await expect(banner(page)).toHaveCount(0);
  });
});
