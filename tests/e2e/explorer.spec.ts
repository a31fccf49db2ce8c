// The audit-log explorer (/org/audit-logs) walked as an admin would: from the header, a query
// typed with the keyboard's suggestions, refined by a facet, a row opened, an export, the back
// button, the chart's range; axe on the page. Expected counts come from the API, not from here.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accounts, apiJson, signInViaApi } from "./support";

interface EventsPage {
  events: Record<string, unknown>[];
  total: number;
}

const events = (page: Page, q: string) => apiJson<EventsPage>(page.request, `/api/v1/events?limit=1000&q=${encodeURIComponent(q)}`);
const totalText = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "event" : "events"}, newest first`;

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

test.describe("audit-log explorer", () => {
  test("type a query with suggestions, refine by a facet, open a row, export, go back", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/dashboard");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit logs" }).click();
    await expect(page.getByRole("heading", { name: "Audit logs", level: 1 })).toBeVisible();
    const all = await events(page, "");
    await expect(page.getByText(totalText(all.total))).toBeVisible();

    // Keyboard only: "act" suggests action:, then the values of action among the matches.
    const box = page.getByRole("combobox", { name: "Filter" });
    await box.click();
    await box.pressSequentially("act");
    await expect(page.getByRole("option", { name: /^action:/ })).toBeVisible();
    await box.press("Enter");
    await expect(box).toHaveValue("action:");
    await box.pressSequentially("run");
    const option = page.getByRole("option", { name: /action:run:update/ });
    await expect(option).toBeVisible();
    await box.press("ArrowDown");
    await box.press("ArrowUp");
    await expect(option).toHaveAttribute("aria-selected", "true");
    await box.press("Enter");
    await expect(box).toHaveValue("action:run:update ");
    await box.press("Enter");
    await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe("action:run:update");
    const runs = await events(page, "action:run:update");
    expect(runs.total).toBeGreaterThan(1);
    await expect(page.getByText(totalText(runs.total))).toBeVisible();

    // A malformed query is shown, not sent.
    await box.fill("action:run:update colour:red");
    await expect(page.getByRole("alert").filter({ hasText: 'unknown qualifier "colour"' })).toBeVisible();
    await expect(page.getByRole("button", { name: "Search", exact: true })).toBeDisabled();
    await box.fill("action:run:update");

    // Refine: exclude the most frequent actor among the matches.
    const refine = page.getByRole("complementary", { name: "Refine by value" });
    const exclude = refine.getByRole("region", { name: "Top Actor values" }).getByRole("button", { name: /^Exclude actor:/ }).first();
    const excluded = (await exclude.getAttribute("aria-label"))!.replace(/^Exclude /, "");
    await exclude.click();
    await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(`action:run:update -${excluded}`);
    const refined = await events(page, `action:run:update -${excluded}`);
    expect(refined.total).toBeLessThan(runs.total);
    await expect(page.getByText(totalText(refined.total))).toBeVisible();

    // Open the newest row: the whole event.
    const table = page.getByRole("table");
    const first = table.getByRole("row").nth(1).getByRole("button");
    await first.click();
    await expect(first).toHaveAttribute("aria-expanded", "true");
    const detail = page.getByLabel("The whole event");
    await expect(detail).toContainText(`"timestamp": "${String(refined.events[0]!.timestamp)}"`);
    await expect(detail).toContainText('"action": "run:update"');

    // Export what is shown.
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^events-default-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await (await file.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString("utf8").trim().split("\n");
    expect(lines[0]).toContain('"action","actor_email"');
    expect(lines).toHaveLength(refined.total + 1);

    // Back: the previous query and its answer.
    await page.goBack();
    await expect(box).toHaveValue("action:run:update");
    await expect(page.getByText(totalText(runs.total))).toBeVisible();

    expect(await seriousViolations(page)).toEqual([]);
  });

  test("dragging across days on the chart sets created:", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/audit-logs?q=action%3Aproject%3Aread");
    const chart = page.getByRole("figure");
    await expect(chart).toBeVisible();
    const bars = chart.locator(".recharts-bar-rectangle");
    await expect(bars.first()).toBeVisible();
    const box = (await chart.locator(".recharts-surface").boundingBox())!;
    // From a third of the plot to two thirds.
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + (box.width * 2) / 3, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect(page).toHaveURL(/q=action%3Aproject%3Aread(\+|%20)created%3A\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}/);
    const q = new URL(page.url()).searchParams.get("q")!;
    const answer = await events(page, q);
    await expect(page.getByRole("combobox", { name: "Filter" })).toHaveValue(q);
    await expect(answer.total > 0 ? page.getByText(totalText(answer.total)) : page.getByText("No event matches this filter.")).toBeVisible();
  });

  test("an empty answer says so", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(`/org/audit-logs?q=${encodeURIComponent('"no such text anywhere"')}`);
    await expect(page.getByText("No event matches this filter.")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Settings: a Slack query rule is checked as typed, added, paused and deleted", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/settings");
    const card = page.getByRole("region", { name: "Query rules" });
    await expect(card).toBeVisible();
    await card.getByLabel("Name").fill("E2E failed logins");
    const query = card.getByLabel("Query", { exact: true });
    await query.fill("action:user:login colour:red");
    await expect(card.getByText('unknown qualifier "colour"')).toBeVisible();
    await expect(card.getByRole("button", { name: "Add rule" })).toBeDisabled();
    await query.fill("action:user:login status:>=400");
    await card.getByLabel("when the matches reach a count").check();
    await card.getByLabel("Matches", { exact: true }).fill("5");
    await card.getByRole("button", { name: "Add rule" }).click();
    await expect(card.getByText('Rule "E2E failed logins" added.')).toBeVisible();
    const rules = card.getByRole("list", { name: "Query rules" });
    await expect(rules.getByRole("listitem")).toHaveCount(1);
    await expect(rules).toContainText("5 or more within 10 min");
    expect(await seriousViolations(page)).toEqual([]);
    await rules.getByRole("checkbox", { name: "Enable rule E2E failed logins" }).uncheck();
    await expect(card.getByText('Rule "E2E failed logins" paused.')).toBeVisible();
    await rules.getByRole("button", { name: "Delete rule E2E failed logins" }).click();
    await expect(card.getByText("No query rule yet.")).toBeVisible();
  });
});
