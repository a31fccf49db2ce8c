// The Notifications settings page: the Slack app's client ID and secret (the secret is never
// shown again nor sent back), "Add to Slack", an alert rule switched on and kept, the job
// status section, the nav link, and the member's refusal.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { accounts, dashboardUrl, signInViaApi } from "./support";

const CLIENT_ID = "4242.1717";
const CLIENT_SECRET = "e2e-slack-client-secret-0123456789";

test.describe("Settings · Notifications", () => {
  test("an admin saves the Slack app and switches a rule on", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/org\/settings/);
    await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
    await expect(page.getByTestId("slack-redirect-uri")).toHaveText(/\/api\/v1\/slack\/oauth\/callback$/);
    await expect(page.getByTestId("slack-connection")).toHaveText("Not connected: alerts are not sent.");

    const responses: string[] = [];
    page.on("response", async (r) => {
      if (r.url().includes("/api/v1/settings/")) responses.push(await r.text().catch(() => ""));
    });
    await page.getByLabel("Client ID").fill(CLIENT_ID);
    await page.getByLabel("Client secret").fill(CLIENT_SECRET);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Slack application saved." })).toBeVisible();
    await expect(page.getByRole("link", { name: "Add to Slack" })).toHaveAttribute("href", "/api/v1/slack/install?org=default");

    const region = page.getByRole("region", { name: "Alert rules" });
    const burst = region.getByLabel("Burst of refused requests (401/403)");
    await expect(burst).not.toBeChecked();
    await burst.check();
    await region.getByLabel("Responses").fill("5");
    await region.getByLabel("Within minutes").fill("2");
    await region.getByRole("button", { name: "Save rules" }).click();
    await expect(region.getByRole("status")).toHaveText("Rules saved.");

    await page.reload();
    await expect(page.getByLabel("Client ID")).toHaveValue(CLIENT_ID);
    await expect(page.getByLabel("Client secret")).toHaveValue("");
    await expect(page.getByLabel("Client secret")).toHaveAttribute("placeholder", /stored/);
    await expect(page.getByRole("region", { name: "Alert rules" }).getByLabel("Burst of refused requests (401/403)")).toBeChecked();
    await expect(page.getByRole("region", { name: "Alert rules" }).getByLabel("Responses")).toHaveValue("5");
    await expect(page.getByRole("region", { name: "Sync, pull and alert status" })).toBeVisible();

    const api = await page.request.get("/api/v1/settings/notifications");
    const text = await api.text();
    expect(JSON.parse(text).rules.authFailures).toEqual({ enabled: true, threshold: 5, windowMinutes: 2 });
    for (const body of [text, ...responses, await page.content()]) expect(body).not.toContain(CLIENT_SECRET);

    const violations = (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations.filter(
      (v) => v.impact === "serious" || v.impact === "critical",
    );
    expect(violations.map((v) => v.id)).toEqual([]);
  });

  test("watched actions are picked from the catalogue with the keyboard; the API refuses a misspelt one, naming it", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/settings");
    const region = page.getByRole("region", { name: "Alert rules" });
    const box = region.getByRole("combobox", { name: "Actions" });
    const selected = region.getByRole("list", { name: "Selected actions" }).getByRole("listitem");
    // Whatever the earlier test saved: the defaults' watched actions are there.
    await expect(selected.first()).toBeVisible();
    const before = await selected.allInnerTexts();

    // Search, move with the arrows, pick with Enter.
    await box.focus();
    await page.keyboard.type("api_k");
    const list = region.getByRole("listbox", { name: "Actions" });
    await expect(list.getByRole("option")).toHaveText([/user:create_api_key/, /user:delete_api_key/]);
    await expect(list.getByRole("option", { name: /user:create_api_key/ })).toHaveAttribute(
      "aria-selected",
      String(before.some((t) => t.includes("user:create_api_key"))),
    );
    await page.keyboard.press("ArrowDown");
    await expect(box).toHaveAttribute("aria-activedescendant", (await list.getByRole("option").nth(1).getAttribute("id"))!);
    await page.keyboard.press("Enter");
    await expect(list.getByRole("option", { name: /user:delete_api_key/ })).toHaveAttribute("aria-selected", "true");
    await expect(selected.filter({ hasText: "user:delete_api_key" })).toHaveCount(1);
    // Something not in the catalogue cannot be picked.
    await box.fill("user:create_api_kye");
    await expect(list.getByRole("option")).toHaveCount(0);
    await expect(list).toContainText("No action of the catalogue matches");
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    // Backspace in the empty box takes the last one off again; Enter re-adds it.
    await box.fill("");
    await page.keyboard.press("Backspace");
    await expect(selected.filter({ hasText: "user:delete_api_key" })).toHaveCount(0);
    await box.fill("delete_api");
    await page.keyboard.press("Enter");
    await expect(selected.filter({ hasText: "user:delete_api_key" })).toHaveCount(1);
    await region.getByRole("button", { name: "Save rules" }).click();
    await expect(region.getByRole("status")).toHaveText("Rules saved.");
    const saved = (await (await page.request.get("/api/v1/settings/notifications")).json()) as { rules: { actions: { actions: string[] } } };
    expect(saved.rules.actions.actions).toContain("user:delete_api_key");

    const rules = { ...(saved.rules as object), actions: { enabled: true, actions: ["user:create_api_key", "user:create_api_kye"] } };
    const refused = await page.request.put("/api/v1/settings/notifications/rules", { data: rules });
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'actions.actions.1: unknown action "user:create_api_kye": not in the audit-log action catalogue',
    );

    const violations = (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations.filter(
      (v) => v.impact === "serious" || v.impact === "critical",
    );
    expect(violations.map((v) => v.id)).toEqual([]);
  });

  test("a member is refused the page and the API", async ({ page }) => {
    await signInViaApi(page, accounts().member);
    await page.goto("/org/settings");
    await expect(page.getByRole("alert").filter({ hasText: "Access denied" })).toBeVisible();
    expect((await page.request.get("/api/v1/settings/notifications")).status()).toBe(403);
  });
});
