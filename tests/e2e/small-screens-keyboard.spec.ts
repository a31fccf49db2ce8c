// Small screens and keyboards (issue 15): at 390 px the header folds into a menu, the users
// table keeps its name column in view and the panels stack; at 1920 px the page uses the width.
// Keyboard only: a skip link first, one tab stop for the table's rows (arrows inside), a
// visible focus on every stop. axe at 390 px.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { accounts, apiUsers, COLUMN, dashboardUrl, signInViaApi } from "./support";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

/** What has the focus: a short description, and whether something shows it (outline or ring). */
const focusInfo = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: "body", visible: false, inTable: false, inBody: false };
    const style = getComputedStyle(el);
    const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    const attrs = ["role", "type", "name", "id", "aria-label", "data-row", "data-col", "href"]
      .map((a) => (el.getAttribute(a) ? `[${a}=${el.getAttribute(a)}]` : ""))
      .join("");
    const what = `${el.tagName.toLowerCase()}${attrs} ${(el.textContent ?? "").trim().slice(0, 40)}`;
    return { what, visible, inTable: !!el.closest("table"), inBody: !!el.closest("tbody") };
  });

/**
 * Presses Tab until the focus leaves the page or comes back to a stop already seen, and returns
 * each stop once (a date field's day, month and year segments are one element: one stop).
 */
async function tabStops(page: Page, max = 60) {
  const stops: Awaited<ReturnType<typeof focusInfo>>[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const info = await focusInfo(page);
    if (info.what === "body") break;
    if (stops.at(-1)?.what === info.what) continue;
    if (stops.some((s) => s.what === info.what)) break;
    stops.push(info);
  }
  return stops;
}

const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/**
 * What is wrong with the header's layout: items (brand, organization, links, badge, account,
 * buttons) drawn over one another, wrapped onto a second line, or past the screen's edge.
 */
const headerLayoutProblems = (page: Page) =>
  page.evaluate(() => {
    const header = document.querySelector("header")!;
    const items = [...header.querySelectorAll<HTMLElement>("a, button, select, span")].filter((el) => {
      if (el.closest(".sr-only") || el.classList.contains("sr-only")) return false;
      // Leaves only: a span holding a link or another item is measured through them.
      if (el.tagName === "SPAN" && el.querySelector("a, button, select, span:not(.sr-only)")) return false;
      const r = el.getBoundingClientRect();
      return r.width > 2 && r.height > 2 && getComputedStyle(el).visibility !== "hidden";
    });
    const name = (el: HTMLElement) => `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 24)}"`;
    const problems: string[] = [];
    const boxes = items.map((el) => ({ el, r: el.getBoundingClientRect() }));
    for (const { el, r } of boxes) {
      if (r.left < 0 || r.right > window.innerWidth) problems.push(`${name(el)} off screen (${Math.round(r.left)}..${Math.round(r.right)})`);
      const range = document.createRange();
      range.selectNodeContents(el);
      // An icon beside the text may sit a few pixels off the text's top; a second line is a line lower.
      const tops = [...range.getClientRects()].filter((q) => q.width > 0).map((q) => q.top);
      if (el.tagName !== "SELECT" && tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 10) problems.push(`${name(el)} wraps onto a second line`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const overlap = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left) > 1 && Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top) > 1;
        if (overlap) problems.push(`${name(a.el)} overlaps ${name(b.el)}`);
      }
    }
    return problems;
  });

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the header folds into a menu whose links and Sign out are on screen", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeHidden();
    await expect(page.getByTestId("freshness-indicator")).toBeVisible();
    expect(await headerLayoutProblems(page)).toEqual([]);
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const signOut = page.getByRole("button", { name: "Sign out" });
    await expect(signOut).toBeVisible();
    const box = (await signOut.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Dashboard", "Data", "Audit log", "Settings"]) {
      const link = nav.getByRole("link", { name, exact: true });
      await expect(link).toBeVisible();
      await expect(link).toBeInViewport({ ratio: 1 });
    }
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(signOut).toBeHidden();
    await expect(menu).toBeFocused();
    expect(await noSideScroll(page)).toBe(true);
  });

  test("an auditor's menu has the pages it may read and no Settings", async ({ page }) => {
    await signInViaApi(page, accounts().auditor);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    await page.getByRole("button", { name: "Menu" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Audit log" })).toBeVisible();
    await expect(nav.getByRole("link")).toHaveText(["Dashboard", "Data", "Audit log"]);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport({ ratio: 1 });
  });

  test("the users table scrolls sideways inside its box with the name column kept in view", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    const region = page.getByRole("region", { name: "Users table" });
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    expect(await noSideScroll(page)).toBe(true);
    const nameCell = page.getByRole("table", { name: "Users" }).getByRole("row").nth(1).getByRole("cell").nth(COLUMN.name);
    const emailCell = page.getByRole("table", { name: "Users" }).getByRole("row").nth(1).getByRole("cell").nth(COLUMN.email);
    const before = (await nameCell.boundingBox())!;
    const emailBefore = (await emailCell.boundingBox())!;
    await region.evaluate((el) => (el.scrollLeft = 500));
    await expect.poll(async () => (await emailCell.boundingBox())!.x).toBeLessThan(emailBefore.x - 400);
    const after = (await nameCell.boundingBox())!;
    expect(Math.abs(after.x - before.x)).toBeLessThan(1);
    await expect(nameCell).toBeInViewport();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("the Activity panels and the Seats lists stack", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl({ tab: "activity" }));
    const total = page.getByRole("region", { name: "Total active users" });
    const trend = page.getByRole("region", { name: "Users active over time" });
    await expect(page.getByTestId("total-active-users")).toBeVisible();
    const a = (await total.boundingBox())!;
    const b = (await trend.boundingBox())!;
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
    expect(a.width).toBeLessThanOrEqual(390);
    expect(await noSideScroll(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("tab", { name: "Seats" }).click();
    await expect(page.getByTestId("seat-count-inactive")).toBeVisible();
    const lists = page.getByRole("heading", { level: 2 });
    const ys = await Promise.all([0, 1, 2].map(async (i) => (await lists.nth(i).boundingBox())!.y));
    expect(ys[1]).toBeGreaterThan(ys[0]! + 50);
    expect(ys[2]).toBeGreaterThan(ys[1]! + 50);
    expect(await noSideScroll(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

// From a phone to a desktop the header must not outgrow the screen: the widest header is an
// account with the organization drop-down (e2e-multi), four links and the last-event badge.
// (Once the bar showed its links from 640 px and overlapped the drop-down until 1024 px; at
// 390 px the badge covered the drop-down.)
for (const width of [360, 390, 640, 768, 1024, 1280]) {
  test(`at ${width} px the header fits: nothing overlaps or wraps, every link and Sign out on screen`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await signInViaApi(page, accounts().multi);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    const organization = page.getByRole("combobox", { name: "Organization" });
    await expect(organization).toBeInViewport({ ratio: 1 });
    expect((await organization.boundingBox())!.width).toBeGreaterThan(80);
    const header = page.getByRole("banner");
    const signOut = header.getByRole("button", { name: "Sign out" });
    const menu = header.getByRole("button", { name: "Menu" });
    await expect(header.getByTestId("freshness-indicator")).toBeVisible();
    expect(await headerLayoutProblems(page)).toEqual([]);
    // Either the bar shows everything, or the menu button does and opens the rest.
    if (await menu.isVisible()) await menu.click();
    await expect(signOut).toBeInViewport({ ratio: 1 });
    for (const name of ["Dashboard", "Data", "Audit log", "Settings"]) {
      await expect(header.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true })).toBeInViewport({ ratio: 1 });
    }
    await expect(header.getByTestId("freshness-indicator")).toBeInViewport({ ratio: 1 });
    expect(await noSideScroll(page)).toBe(true);
  });
}

test.describe("at 1920 px", () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test("the page uses the width: wide main column, cards side by side, the three seat lists in a row", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    expect((await page.getByRole("main").boundingBox())!.width).toBeGreaterThan(1700);
    expect((await page.getByRole("table", { name: "Users" }).boundingBox())!.width).toBeGreaterThan(1600);

    await page.getByRole("tab", { name: "Activity" }).click();
    await expect(page.getByTestId("total-active-users")).toBeVisible();
    const a = (await page.getByRole("region", { name: "Total active users" }).boundingBox())!;
    const b = (await page.getByRole("region", { name: "Users active over time" }).boundingBox())!;
    expect(Math.abs(a.y - b.y)).toBeLessThan(1);
    expect(a.width + b.width).toBeGreaterThan(1650);

    await page.getByRole("tab", { name: "Seats" }).click();
    await expect(page.getByTestId("seat-count-inactive")).toBeVisible();
    const ys = await Promise.all([0, 1, 2].map(async (i) => (await page.getByRole("heading", { level: 2 }).nth(i).boundingBox())!.y));
    expect(new Set(ys.map(Math.round)).size).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe("keyboard only", () => {
  test("skip link first; one tab stop for the table's rows with arrows inside; a visible focus on every stop", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
    const users = await apiUsers(page.request);

    // Every page of the dashboard starts with the skip link.
    for (const url of ["/org/data", "/org/audit-logs", "/org/settings"]) {
      await page.goto(url);
      await page.keyboard.press("Tab");
      await expect(page.getByRole("link", { name: "Skip to main content" }), url).toBeFocused();
    }
    await page.goto(dashboardUrl());
    await expect(page.getByRole("table", { name: "Users" })).toBeVisible();

    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("#main-content")).toBeFocused();

    // Tab through the whole page: every stop shows its focus, and the rows are one stop.
    const stops = await tabStops(page);
    expect(stops.filter((s) => !s.visible)).toEqual([]);
    expect(stops.filter((s) => s.inBody)).toHaveLength(1);
    expect(stops.length).toBeLessThan(40);
    expect(users.length).toBeGreaterThan(10);

    // Back into the rows: arrows move between rows and cells.
    const table = page.getByRole("table", { name: "Users" });
    await table.getByRole("columnheader", { name: "Number of active days" }).getByRole("button").focus();
    await page.keyboard.press("Tab");
    const focusedRow = () => page.evaluate(() => Number(document.activeElement?.closest("tr")?.getAttribute("aria-rowindex")));
    const focusedCol = () => page.evaluate(() => Number((document.activeElement as HTMLElement | null)?.dataset.col));
    expect([await focusedRow(), await focusedCol()]).toEqual([2, 0]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect([await focusedRow(), await focusedCol()]).toEqual([4, 0]);
    await page.keyboard.press("ArrowRight");
    expect(await focusedCol()).toBe(1);
    await page.keyboard.press("End");
    expect(await focusedCol()).toBe(COLUMN.activeDays);
    await page.keyboard.press("Control+End");
    expect(await focusedRow()).toBe(users.length + 1);
    await page.keyboard.press("PageUp");
    expect(await focusedRow()).toBe(users.length + 1 - 10);
    await page.keyboard.press("Home");
    expect(await focusedCol()).toBe(0);
    expect((await focusInfo(page)).visible).toBe(true);
    // Tab leaves the rows at once, and Shift+Tab comes back to the cell last used.
    await page.keyboard.press("Tab");
    expect((await focusInfo(page)).inTable).toBe(false);
    await page.keyboard.press("Shift+Tab");
    expect([await focusedRow(), await focusedCol()]).toEqual([users.length + 1 - 10, 0]);
  });

  test("the Activity and Seats tabs and the settings page show the focus on every stop", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    for (const url of [dashboardUrl({ tab: "activity" }), dashboardUrl({ tab: "seats" }), "/org/settings"]) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      const stops = await tabStops(page);
      expect(stops.length, url).toBeGreaterThan(4);
      expect(
        stops.filter((s) => !s.visible).map((s) => s.what),
        url,
      ).toEqual([]);
    }
  });
});
