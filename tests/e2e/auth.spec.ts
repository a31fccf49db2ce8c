import { expect, test } from "@playwright/test";
import { accounts, apiJson, dashboardUrl, signInViaApi, signInViaForm } from "./support";

test.describe("sign-in and access", () => {
  test("a wrong API key is refused with a clear message and never lands in the URL", async ({ page }) => {
    const { admin } = accounts();
    await page.goto("/signin");
    await page.getByLabel("Username").fill(admin.username);
    await page.getByLabel("API key").fill("otk_not-the-right-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Invalid" })).toHaveText("Invalid username or API key.");
    expect(page.url()).not.toContain("otk_");
    expect(page.url()).not.toContain("apiKey");
    // Still signed out: the dashboard sends us back.
    await page.goto("/org/dashboard");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("an admin signs in with the form and lands on the Users tab", async ({ page }) => {
    const { admin } = accounts();
    await signInViaForm(page, admin);
    await expect(page).toHaveURL(/\/org\/dashboard/);
    await expect(page.getByRole("heading", { name: "Organization Dashboard" })).toBeVisible();
    await expect(page.getByRole("tab", { name: "Users" })).toHaveAttribute("aria-selected", "true");
    expect(page.url()).not.toContain(admin.apiKey);
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
    await signInViaApi(page, accounts().admin);
    const cookie = (await context.cookies()).find((c) => c.name === "orgtrail_session");
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
  });

  test("a cross-origin sign-in or sign-out is refused", async ({ request }) => {
    const { admin } = accounts();
    const signIn = await request.post("/api/v1/session", {
      data: { username: admin.username, apiKey: admin.apiKey },
      headers: { origin: "https://evil.example" },
    });
    expect(signIn.status()).toBe(403);
    expect(signIn.headers()["set-cookie"]).toBeUndefined();
    const signOut = await request.delete("/api/v1/session", { headers: { origin: "https://evil.example" } });
    expect(signOut.status()).toBe(403);
  });

  test("a bad key gets a 401 JSON error from the session API", async ({ request }) => {
    const response = await request.post("/api/v1/session", { data: { username: "e2e-admin", apiKey: "nope" } });
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized");
  });

  test("a member sees the admin-only message, and the API answers 403", async ({ page }) => {
    await signInViaApi(page, accounts().member);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("alert").filter({ hasText: "Access denied" })).toContainText("You need to be an organization admin");
    await expect(page.getByRole("table")).toHaveCount(0);
    const response = await page.request.get("/api/v1/users");
    expect(response.status()).toBe(403);
  });

  test("signing out ends the session", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await page.goto(dashboardUrl());
    await expect(page).toHaveURL(/\/signin/);
    expect((await page.request.get("/api/v1/users")).status()).toBe(401);
    await apiJson(page.request, "/api/health");
  });
});
