// The audit-event explorer (/org/audit-logs) over the e2e fixture (tests/fixtures/e2e-events.ndjson
// in `default`): typing a query with the keyboard through the suggestions, refining by a facet,
// opening a row, exporting (the downloaded files checked against the API), the back button, a
// refused query, a drag on the chart, the roles, and an axe scan. Every number on the page is
// compared with the API's answer for the same query.
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { accounts, apiJson, signInViaApi } from "./support";

interface EventsPage {
  events: Record<string, unknown>[];
  total: number;
  next_cursor: string | null;
}

const eventsApi = (request: APIRequestContext, q: string, limit = 1000) =>
  apiJson<EventsPage>(request, `/api/v1/events?q=${encodeURIComponent(q)}&limit=${limit}`);

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

const field = (page: Page) => page.getByRole("combobox", { name: "Filter events" });
const totalText = (page: Page) => page.getByTestId("events-total");
const qOf = (page: Page) => new URL(page.url()).searchParams.get("q") ?? "";
const matching = (n: number) => (n === 1 ? "1 matching event" : `${n.toLocaleString("en-US")} matching events`);

async function download(page: Page, name: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  return readFileSync((await file.path())!, "utf8");
}

test.describe("the audit-event explorer", () => {
  test("type a query with the keyboard, refine by a facet, open a row, export", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/dashboard");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    const all = await eventsApi(page.request, "");
    await expect(totalText(page)).toContainText(matching(all.total));

    // Qualifiers are offered for what the term starts with.
    const input = field(page);
    await input.click();
    await input.pressSequentially("ac");
    const listbox = page.getByRole("listbox", { name: "Suggestions" });
    await expect(listbox.getByRole("option")).toHaveText([/^action:/, /^actor:/]);
    await input.press("ArrowDown");
    await expect(input).toHaveAttribute("aria-activedescendant", /.+/);
    await input.press("Enter");
    await expect(input).toHaveValue("action:");
    // The values come from the facets: run:update with its count.
    const actions = await apiJson<{ values: { value: string; count: number }[] }>(page.request, "/api/v1/events/facets?field=action");
    const runUpdate = actions.values.find((v) => v.value === "run:update")!;
    await input.pressSequentially("run:upd");
    await expect(listbox.getByRole("option")).toHaveCount(1);
    await expect(listbox.getByRole("option")).toContainText(`action:run:update${runUpdate.count} events`);
    await input.press("ArrowDown");
    await input.press("Enter");
    await expect(input).toHaveValue("action:run:update ");
    // Escape closes the list, Enter runs the query.
    await input.pressSequentially("x");
    await input.press("Backspace");
    await input.press("Escape");
    await expect(listbox).toBeHidden();
    await input.press("Enter");
    await expect.poll(() => qOf(page)).toBe("action:run:update");
    const runs = await eventsApi(page.request, "action:run:update");
    expect(runs.total).toBe(runUpdate.count);
    await expect(totalText(page)).toContainText(matching(runs.total));
    const table = page.getByRole("table", { name: "Events" });
    await expect(table.getByRole("button", { name: /^Details of/ })).toHaveCount(runs.total);

    // Refine by a facet: the entity the matches name.
    const refine = page.getByRole("complementary", { name: "Refine by value" });
    await refine.getByRole("button", { name: /^Add entity: ?vision \d+ events?$/ }).click();
    await expect.poll(() => qOf(page)).toBe("action:run:update entity:vision");
    const vision = await eventsApi(page.request, "action:run:update entity:vision");
    expect(vision.total).toBeGreaterThan(0);
    expect(vision.total).toBeLessThan(runs.total);
    await expect(totalText(page)).toContainText(matching(vision.total));
    await expect(input).toHaveValue("action:run:update entity:vision");

    // Open the newest row: the whole event, as the API returns it; the keyboard closes and reopens it.
    const first = table.getByRole("button", { name: /^Details of/ }).first();
    await expect(first).toHaveAttribute("aria-expanded", "false");
    await first.click();
    await expect(first).toHaveAttribute("aria-expanded", "true");
    const json = page.getByLabel("The event as JSON");
    await expect(json).toBeVisible();
    expect(JSON.parse(await json.innerText())).toEqual(vision.events[0]);
    await first.press("Enter");
    await expect(first).toHaveAttribute("aria-expanded", "false");
    await first.press("Space");
    await expect(first).toHaveAttribute("aria-expanded", "true");
    // ArrowDown moves to the next row's toggle.
    await first.press("ArrowDown");
    await expect(table.getByRole("button", { name: /^Details of/ }).nth(1)).toBeFocused();

    // Export: the downloaded files are the API's export of the same query, every match oldest first.
    const q = qOf(page);
    const ndjson = await download(page, "Export NDJSON");
    expect(ndjson).toBe(await (await page.request.get(`/api/v1/events/export?q=${encodeURIComponent(q)}&format=ndjson`)).text());
    const lines = ndjson
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([...vision.events].reverse());
    const csv = await download(page, "Export CSV");
    expect(csv).toBe(await (await page.request.get(`/api/v1/events/export?q=${encodeURIComponent(q)}&format=csv`)).text());
    const rows = csv.trim().split("\n");
    expect(rows[0]).toContain('"action"');
    expect(rows).toHaveLength(vision.total + 1);
  });

  test("the back button restores the previous query; a shared URL opens on its query", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(`/org/audit-logs?q=${encodeURIComponent("actor:bo@e2e.test")}`);
    const bo = await eventsApi(page.request, "actor:bo@e2e.test");
    await expect(totalText(page)).toContainText(matching(bo.total));
    await expect(field(page)).toHaveValue("actor:bo@e2e.test");
    // Exclude a status from the facets: a new history entry.
    await page.getByRole("complementary", { name: "Refine by value" }).getByRole("button", { name: "Exclude status:401" }).click();
    await expect.poll(() => qOf(page)).toBe("actor:bo@e2e.test -status:401");
    const ok = await eventsApi(page.request, "actor:bo@e2e.test -status:401");
    expect(ok.total).toBe(bo.total - 1);
    await expect(totalText(page)).toContainText(matching(ok.total));
    await page.goBack();
    await expect.poll(() => qOf(page)).toBe("actor:bo@e2e.test");
    await expect(field(page)).toHaveValue("actor:bo@e2e.test");
    await expect(totalText(page)).toContainText(matching(bo.total));
    await page.goForward();
    await expect(field(page)).toHaveValue("actor:bo@e2e.test -status:401");
    await expect(totalText(page)).toContainText(matching(ok.total));
  });

  test("a query the language refuses shows the server's message, naming the term and its position", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/audit-logs");
    const input = field(page);
    await input.fill("action:user:login foo:bar");
    await input.press("Enter");
    const alert = page.getByRole("alert").filter({ hasText: "This query cannot run" });
    await expect(alert).toContainText('unknown qualifier "foo"');
    await expect(alert).toContainText('(term "foo:bar" at position 19)');
    await expect(alert.locator("mark")).toHaveText("foo:bar");
    await expect(input).toHaveAttribute("aria-invalid", "true");
    await expect(input).toHaveAccessibleDescription(/unknown qualifier "foo"/);
    await expect(page.getByRole("table", { name: "Events" })).toHaveCount(0);
    // Fixing it clears the error.
    await input.fill("action:user:login");
    await input.press("Enter");
    await expect(alert).toHaveCount(0);
    await expect(totalText(page)).toContainText(matching((await eventsApi(page.request, "action:user:login")).total));
  });

  test("dragging across the chart keeps only those days (created:)", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/audit-logs");
    const chart = page.getByTestId("events-histogram").locator("svg.recharts-surface");
    await expect(chart).toBeVisible();
    const plot = (await page.getByTestId("events-histogram").locator(".recharts-cartesian-grid").boundingBox())!;
    const y = plot.y + plot.height / 2;
    await page.mouse.move(plot.x + plot.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.75, y, { steps: 8 });
    await page.mouse.move(plot.x + plot.width * 0.98, y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => qOf(page)).toMatch(/^created:\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/);
    const q = qOf(page);
    const [from, to] = q.slice("created:".length).split("..");
    expect(from! < to!).toBe(true);
    const within = await eventsApi(page.request, q);
    const all = await eventsApi(page.request, "");
    expect(within.events).toEqual(all.events.filter((e) => String(e.timestamp).slice(0, 10) >= from! && String(e.timestamp).slice(0, 10) <= to!));
    await expect(totalText(page)).toContainText(matching(within.total));
    await page.getByRole("button", { name: "All dates" }).click();
    await expect.poll(() => qOf(page)).toBe("");
  });

  test("auditors read it; members get the access-denied view", async ({ browser }) => {
    const auditor = await browser.newPage();
    await signInViaApi(auditor, accounts().auditor);
    await auditor.goto("/org/audit-logs");
    await expect(auditor.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expect(auditor.getByText("read-only (auditor)")).toBeVisible();
    await expect(totalText(auditor)).toContainText(matching((await eventsApi(auditor.request, "")).total));
    await auditor.close();
    const member = await browser.newPage();
    await signInViaApi(member, accounts().member);
    await member.goto("/org/audit-logs");
    await expect(member.getByRole("alert").filter({ hasText: "Access denied" })).toBeVisible();
    await expect(member.getByRole("heading", { name: "Audit log" })).toHaveCount(0);
    await member.close();
  });

  test("has no serious axe violations, with a row open and the suggestions shown", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/audit-logs");
    await expect(page.getByTestId("events-histogram").locator("svg.recharts-surface")).toBeVisible();
    await expect(page.getByRole("complementary", { name: "Refine by value" }).getByRole("status")).toHaveCount(0);
    await page
      .getByRole("table", { name: "Events" })
      .getByRole("button", { name: /^Details of/ })
      .first()
      .click();
    await field(page).click();
    await field(page).pressSequentially("st");
    await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    // And the error state.
    await field(page).fill('"open');
    await field(page).press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "unclosed quote" })).toBeVisible();
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
