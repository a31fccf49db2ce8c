import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accounts, dashboardUrl, signInViaApi } from "./support";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

test.describe("accessibility (axe-core)", () => {
  test("sign-in page", async ({ page }) => {
    await page.goto("/signin");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Users tab, with the actions menu and a tooltip open", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("table", { name: "Users" }).locator("time").first().hover();
    await expect(page.getByRole("tooltip")).toBeVisible();
    await page.getByRole("button", { name: "Actions" }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Activity tab", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity" }));
    await expect(page.getByTestId("total-active-users")).toBeVisible();
    await expect(page.getByRole("region", { name: "Users active over time" }).locator("svg.recharts-surface")).toBeVisible();
    await expect(page.getByRole("region", { name: "Activity panel" }).locator("svg.recharts-surface")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Seats tab, with a digest preview open", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "seats" }));
    await expect(page.getByTestId("seat-count-inactive")).toBeVisible();
    await page.getByRole("button", { name: /^Preview Slack digest: Inactive/ }).click();
    await expect(page.getByRole("figure", { name: /Slack digest preview/ })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("member's access-denied page", async ({ page }) => {
    await signInViaApi(page, accounts().member);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("alert").filter({ hasText: "Access denied" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
