// Single sign-on in Chromium, against the test OpenID provider that tests/e2e/serve.mjs starts
// on loopback (group orgtrail-admins -> admin, orgtrail-auditors -> auditor of "default").
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import type { E2eSsoUser } from "./accounts";
import { accounts } from "./support";

async function signInWithSso(page: Page, user: E2eSsoUser, from = "/signin") {
  await page.goto(from);
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  // The provider's own page, on another origin.
  await expect(page).toHaveURL(new RegExp(`^${accounts().sso.issuer}/interaction/`));
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("single sign-on (OpenID Connect)", () => {
  test("an admin signs in through the identity provider and lands on the dashboard", async ({ page, context }) => {
    await signInWithSso(page, accounts().sso.admin);
    await expect(page).toHaveURL(/\/org\/dashboard$/);
    await expect(page.getByRole("heading", { name: "Organization Dashboard" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
    await expect(page.getByText(accounts().sso.admin.email)).toBeVisible();
    const session = (await context.cookies()).find((c) => c.name === "orgtrail_session");
    expect(session?.httpOnly).toBe(true);
    expect((await page.request.get("/api/v1/settings/notifications")).status()).toBe(200);
  });

  test("next survives the round trip through the provider", async ({ page }) => {
    await page.goto("/org/settings");
    await expect(page).toHaveURL(/\/signin\?next=%2Forg%2Fsettings/);
    await signInWithSso(page, accounts().sso.admin, page.url());
    await expect(page).toHaveURL(/\/org\/settings$/);
  });

  test("an auditor signs in through SSO with the auditor role: reads, and admin routes answer 403", async ({ page }) => {
    await signInWithSso(page, accounts().sso.auditor);
    await expect(page).toHaveURL(/\/org\/dashboard$/);
    await expect(page.getByText(accounts().sso.auditor.email)).toBeVisible();
    expect((await page.request.get("/api/v1/users")).status()).toBe(200);
    expect((await page.request.get("/api/v1/settings/notifications")).status()).toBe(403);
  });

  test("an auditor signed in through SSO sees the dashboard without the settings", async ({ page }) => {
    await signInWithSso(page, accounts().sso.auditor);
    await expect(page).toHaveURL(/\/org\/dashboard$/);
    await expect(page.getByRole("heading", { name: "Organization Dashboard" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  });

  test("a refused callback shows why on the sign-in page, without a session, and passes axe", async ({ page, context }) => {
    await page.goto("/api/v1/auth/oidc/callback?code=stolen&state=forged");
    await expect(page).toHaveURL(/\/signin\?sso=state/);
    await expect(page.getByRole("alert").filter({ hasText: "sign-in attempt" })).toContainText(
      "This sign-in attempt has expired, was already used, or was started in another browser.",
    );
    await expect(page.getByRole("link", { name: "Sign in with SSO" })).toBeVisible();
    expect((await context.cookies()).some((c) => c.name === "orgtrail_session")).toBe(false);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  });
});
