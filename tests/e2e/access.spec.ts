// Who gets in (issue 13): an auditor reads the dashboard without Settings or write controls;
// admins see the access log; no redirect off-site after sign-in; pages hydrate under the
// nonce-based Content-Security-Policy without a single violation.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accounts, dashboardUrl, signInViaApi, signInViaForm } from "./support";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

/** Collects CSP violations the page reports (the listener is installed by the browser driver, outside the page's policy). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))];
}

test.describe("who gets in", () => {
  test("an auditor sees the dashboard without Settings and without write controls", async ({ page }) => {
    const { auditor } = accounts();
    await signInViaForm(page, auditor);
    await expect(page).toHaveURL(/\/org\/dashboard/);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Invite new user" })).toHaveCount(0);
    // "Invite new user" is a link to the platform (its upstream URL is set for the e2e server): an admin's control only.
    await expect(page.getByRole("link", { name: /Invite new user/ })).toHaveCount(0);
    // Reading is allowed: both exports are there.
    await page.getByRole("button", { name: "Actions" }).click();
    await expect(page.getByRole("menuitem", { name: /^Export as CSV: the \d+ shown$/ })).toBeVisible();
    await expect(page.getByRole("menuitem", { name: /^Export as CSV: all \d+ users$/ })).toBeVisible();
    await page.keyboard.press("Escape");
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto("/org/settings");
    await expect(page.getByRole("alert").filter({ hasText: "Access denied" })).toContainText("You need to be an organization admin to view Settings");
    const write = await page.request.put("/api/v1/settings/notifications/rules", { data: {} });
    expect(write.status()).toBe(403);
    const ingest = await page.request.post("/api/v1/ingest", { data: "{}\n", headers: { "content-type": "application/x-ndjson" } });
    expect(ingest.status()).toBe(403);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("an admin sees Settings and its own sign-in in the access log", async ({ page }) => {
    const { admin } = accounts();
    await signInViaForm(page, admin);
    await expect(page).toHaveURL(/\/org\/dashboard/);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/org\/settings/);
    const log = page.getByRole("table", { name: "Access log" });
    await expect(log).toBeVisible();
    await expect(log.getByRole("row").filter({ hasText: "Signed in" }).filter({ hasText: admin.username }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Newer" })).toBeDisabled();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("sign-in never redirects off-site: /signin?next=/%09/evil.example stays here", async ({ page, baseURL }) => {
    const { admin } = accounts();
    // Stand in for the other site (no network here): a navigation to it would land on this page.
    const offsite: string[] = [];
    await page.context().route(/^https?:\/\/evil\.example\//, (route) => {
      offsite.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: "<title>evil</title><h1>evil</h1>" });
    });
    await page.goto("/signin?next=/%09/evil.example");
    await page.getByLabel("Username").fill(admin.username);
    await page.getByLabel("API key").fill(admin.apiKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname !== "/signin", { timeout: 20_000 }).catch(() => undefined);
    const landed = new URL(page.url());
    expect(offsite).toEqual([]);
    expect(landed.origin).toBe(new URL(baseURL!).origin);
    expect(landed.pathname).toBe("/org/dashboard");
  });

  test("pages hydrate under the nonce-based CSP, with no violation", async ({ page }) => {
    const violations = await watchCsp(page);
    await page.goto("/signin");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    // A client-side tab switch works only once React has hydrated.
    await page.getByRole("tab", { name: "Activity" }).click();
    await expect(page).toHaveURL(/tab=activity/);
    await expect(page.getByTestId("total-active-users")).toBeVisible();
    await page.goto("/org/settings");
    await expect(page.getByRole("table", { name: "Access log" })).toBeVisible();
    expect(await violations()).toEqual([]);
  });
});
