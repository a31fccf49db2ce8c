// The Data page (/org/data): uploads from the browser (an NDJSON audit log with one bad line,
// streamed with a progress bar, its summary naming the bad line, the events then counted; a
// users CSV), the header's last-event indicator (amber on old data), "Verify now", the auditor's
// read-only view, an empty organization's links to it, and "Invite new user" present or absent.
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { accounts, apiJson, dashboardUrl, signInViaApi } from "./support";

interface Freshness {
  newestEventAt: string | null;
  ageSeconds: number | null;
  warnAfterMinutes: number;
  stale: boolean;
  eventsStored: number;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

/** `count` events at one-second steps ending a minute ago, each padded so the file has some size; line `badLine` is broken JSON. */
function auditLog(count: number, badLine: number, padding = 0): { text: string; good: number } {
  const end = Date.now() - 60_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      JSON.stringify({
        action: "user:login",
        timestamp: new Date(end - (count - i) * 1000).toISOString(),
        actor_email: `uploader${i % 7}@e2e-uploads.test`,
        response_code: 200,
        ...(padding > 0 ? { cli_version: `0.19.${i}-${"x".repeat(padding)}` } : {}),
      }),
    );
  }
  lines.splice(badLine - 1, 0, '{"action": "user:login", "timestamp": ');
  return { text: `${lines.join("\n")}\n`, good: count };
}

test.describe("Data page", () => {
  test("an admin uploads an audit log with one bad line: progress, the bad line by number, then the events counted", async ({ page }) => {
    await signInViaApi(page, accounts().uploader);
    const before = await apiJson<Freshness>(page.request, "/api/v1/data/freshness");
    await page.goto("/org/data");
    await expect(page.getByRole("heading", { name: "Data", level: 1 })).toBeVisible();

    // ~1 MB, sent at ~250 kB/s: the bar has to show the bytes going out, not jump to the end.
    const { text, good } = auditLog(4000, 3, 200);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 250_000 });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Audit log upload progress"]');
        const value = bar?.getAttribute("aria-valuenow");
        if (value !== null && value !== undefined && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"] });
    });

    await page
      .getByLabel("Audit log file (NDJSON or .gz)")
      .setInputFiles({ name: "audit-e2e.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
    await page.getByRole("button", { name: "Upload audit log" }).click();
    await expect(page.getByRole("progressbar", { name: "Audit log upload progress" })).toBeVisible();
    const summary = page.getByTestId("upload-summary").first();
    await expect(summary).toHaveText(`${good.toLocaleString("en-US")} events stored · 0 duplicates skipped · 1 line rejected`, { timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const rejected = page.getByRole("list", { name: "Rejected lines" });
    await expect(rejected.getByRole("listitem")).toHaveText([/^Line 3: invalid JSON/]);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress.map(Number));
    expect(
      progress.some((v) => v > 0 && v < 100),
      `progress values seen: ${progress.join(", ")}`,
    ).toBe(true);
    expect(progress.at(-1)).toBe(100);

    // Then counted: the page, the API and the header agree.
    await expect(page.getByTestId("events-stored")).toHaveText((before.eventsStored + good).toLocaleString("en-US"));
    const after = await apiJson<Freshness>(page.request, "/api/v1/data/freshness");
    expect(after.eventsStored).toBe(before.eventsStored + good);
    const uploads = page.getByRole("table", { name: "Recent uploads" });
    const row = uploads.getByRole("row").filter({ hasText: "audit-e2e.ndjson" }).first();
    await expect(row).toContainText("This page");
    await expect(row).toContainText("e2e-uploader");
    await expect(row.getByRole("cell").nth(4)).toHaveText(good.toLocaleString("en-US"));
    await row.getByText("1", { exact: true }).click();
    await expect(row.getByText(/^Line 3: invalid JSON/)).toBeVisible();
    await expect(page.getByRole("region", { name: "Uploads from this page" })).toContainText("Running");

    // Fresh data: the header says so, without amber.
    await page.reload();
    const indicator = page.getByTestId("freshness-indicator");
    await expect(indicator).toHaveText(/^Last event (less than a minute|\d+ minutes?) ago$/);
    await expect(indicator).toHaveAttribute("data-stale", "false");
  });

  test("an admin uploads a users CSV; the bad row is listed by line", async ({ page }) => {
    await signInViaApi(page, accounts().uploader);
    await page.goto("/org/data");
    const csv = [
      `"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"`,
      `"Uma Upload","uma","","admin","uma@e2e-uploads.test","ops","",1,2,0,"Full"`,
      `"broken","row"`,
      `"Vic Upload","vic","","member","vic@e2e-uploads.test","ops","",0,5,0,"Viewer"`,
    ].join("\n");
    await page.getByLabel("Users file (CSV or SCIM JSON)").setInputFiles({ name: "users-e2e.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload users" }).click();
    await expect(page.getByTestId("upload-summary")).toHaveText(/^2 users created · 0 users updated · 1 row rejected$/);
    await expect(page.getByRole("list", { name: "Rejected lines" }).getByRole("listitem")).toHaveText(["Line 3: expected 11 fields as in the header, found 2"]);
    await expect(page.getByRole("table", { name: "Recent uploads" }).getByRole("row").filter({ hasText: "users-e2e.csv" })).toContainText("users file");

    const users = await apiJson<{ users: { email: string; name: string | null }[] }>(page.request, "/api/v1/users");
    expect(
      users.users
        .filter((u) => u.email.endsWith("@e2e-uploads.test") && u.name !== null)
        .map((u) => u.name)
        .sort(),
    ).toEqual(["Uma Upload", "Vic Upload"]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("the header's last event turns amber on old data, and the page says what it means", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    // The fixture's newest event, computed here: the indicator must be amber past the threshold.
    const newest = readFileSync(resolve("tests/fixtures/e2e-events.ndjson"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => Date.parse((JSON.parse(l) as { timestamp: string }).timestamp))
      .reduce((a, b) => Math.max(a, b));
    const freshness = await apiJson<Freshness>(page.request, "/api/v1/data/freshness");
    expect(freshness.newestEventAt).toBe(new Date(newest).toISOString());
    expect(Date.now() - newest).toBeGreaterThan(freshness.warnAfterMinutes * 60_000);
    expect(freshness.stale).toBe(true);

    await page.goto(dashboardUrl());
    const indicator = page.getByTestId("freshness-indicator");
    await expect(indicator).toHaveAttribute("data-stale", "true");
    await expect(indicator).toHaveText(/^Last event \d+ days ago/);
    await expect(indicator).toHaveAccessibleName(/older than 24 hours/);
    // Amber, not only a word: the stale indicator has a filled background (the fresh one has none).
    expect(await indicator.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe("rgba(0, 0, 0, 0)");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Data" }).click();
    await expect(page).toHaveURL(/\/org\/data/);
    const card = page.getByRole("region", { name: "Freshness" });
    await expect(card).toContainText("“Last event” is the timestamp of the newest stored event");
    await expect(card.getByTestId("last-event")).toContainText("Older than 24 hours");
    // The upstream URL is set without credentials: the pull says why it does not run.
    await expect(page.getByRole("region", { name: "Upstream pull" })).toContainText("ORGTRAIL_UPSTREAM_USERNAME or ORGTRAIL_UPSTREAM_API_KEY is not");
    await expect(page.getByRole("region", { name: "Command line" })).toContainText("Running");
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Verify now: pending while the server walks the chain, then the events verified", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    const stored = (await apiJson<Freshness>(page.request, "/api/v1/data/freshness")).eventsStored;
    await page.goto("/org/data");
    const card = page.getByRole("region", { name: "Integrity" });
    await expect(card.getByTestId("events-stored")).toHaveText(String(stored));

    // Hold the request until the pending state has been seen (a few events verify in a blink).
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/api/v1/data/integrity/verify*", async (route) => {
      await held;
      await route.continue();
    });
    await card.getByRole("button", { name: "Verify now" }).click();
    await expect(card.getByRole("button", { name: "Verifying…" })).toBeDisabled();
    await expect(card.getByRole("progressbar", { name: "Verification progress" })).toBeVisible();
    release();
    await expect(card.getByTestId("integrity-outcome")).toContainText(`Verified: ${stored} events intact (1–${stored})`);
    await expect(card.getByTestId("integrity-outcome")).toContainText("by e2e-admin");
    await expect(card.getByRole("button", { name: "Verify now" })).toBeEnabled();

    // Kept: the page says so after a reload, from the recorded check.
    await page.unroute("**/api/v1/data/integrity/verify*");
    await page.reload();
    await expect(page.getByRole("region", { name: "Integrity" }).getByTestId("integrity-outcome")).toContainText(`Last verified`);
  });

  test("an auditor reads the page without upload or verify controls, and the API refuses its writes", async ({ page }) => {
    await signInViaApi(page, accounts().auditor);
    await page.goto("/org/data");
    await expect(page.getByRole("heading", { name: "Data", level: 1 })).toBeVisible();
    await expect(page.getByText("read-only (auditor)")).toBeVisible();
    await expect(page.getByRole("region", { name: "Sources" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Integrity" }).getByTestId("events-stored")).toBeVisible();
    await expect(page.getByRole("button", { name: "Verify now" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Upload/ })).toHaveCount(0);
    await expect(page.getByText("Only organization admins can upload.")).toBeVisible();
    expect((await page.request.post("/api/v1/data/integrity/verify")).status()).toBe(403);
    expect((await page.request.post("/api/v1/ingest", { data: "{}\n" })).status()).toBe(403);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("an empty organization's Users and Activity tabs link to the Data page with the CLI command to copy", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInViaApi(page, accounts().empty);
    await page.goto("/org/dashboard");
    const notice = page.getByRole("region", { name: "Getting data in" });
    await expect(notice).toContainText("No users yet — ingest audit logs or import users");
    await expect(notice.getByRole("link", { name: "Data page" })).toHaveAttribute("href", "/org/data?org=empty");
    await expect(notice.getByLabel("ingest an audit log", { exact: true })).toHaveText("npx orgtrail ingest audit-log.ndjson.gz --org empty");
    await notice.getByRole("button", { name: "Copy the command: ingest an audit log" }).click();
    await expect(notice.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("npx orgtrail ingest audit-log.ndjson.gz --org empty");
    await notice.getByRole("button", { name: "Copy the command: import users" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("npx orgtrail import-users users.csv --org empty");
    // No upstream for this organization: no invite link.
    await expect(page.getByRole("link", { name: /Invite new user/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Invite new user/ })).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("tab", { name: "Activity" }).click();
    const activity = page.getByRole("region", { name: "Getting data in" });
    await expect(activity).toContainText("No activity yet");
    await expect(activity.getByLabel("ingest an audit log", { exact: true })).toHaveText("npx orgtrail ingest audit-log.ndjson.gz --org empty");
    await activity.getByRole("link", { name: "Data page" }).click();
    await expect(page).toHaveURL(/\/org\/data\?org=empty$/);
    await expect(page.getByRole("region", { name: "Freshness" })).toContainText("No events yet.");
    await expect(page.getByTestId("freshness-indicator")).toHaveText("No events yet");
    await expect(page.getByRole("region", { name: "Recent uploads" })).toContainText("Nothing uploaded yet.");
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("at 390 px wide the page's content fits the screen", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/data");
    await expect(page.getByRole("region", { name: "Recent uploads" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Uploads from this page" })).toBeVisible();
    const overflow = await page
      .locator("main")
      .evaluate((main) =>
        [...main.querySelectorAll("*")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest(".overflow-x-auto"))
          .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute("aria-label") ? `[${el.getAttribute("aria-label")}]` : ""}`),
      );
    expect(overflow).toEqual([]);
  });

  test("at 390 px the Upload card's file pickers and CLI commands read in full: nothing truncated or clipped, the pickers work from the keyboard", async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInViaApi(page, accounts().admin);
    await page.goto("/org/data");
    const card = page.getByRole("region", { name: "Upload", exact: true });
    await expect(card).toBeVisible();
    /** What of `el` is cut off: its text wider than its box, or its box past the card's right edge. */
    const clipped = (el: HTMLElement) => {
      const box = el.getBoundingClientRect();
      const cardBox = el.closest("section")!.getBoundingClientRect();
      return {
        text: (el.textContent ?? "").trim(),
        cutOff: el.scrollWidth > el.clientWidth,
        pastCard: box.right > cardBox.right + 0.5 || box.left < cardBox.left - 0.5,
      };
    };

    // The commands wrap inside their box, and their Copy buttons stay in the card.
    for (const [label, command] of [
      ["ingest an audit log", "npx orgtrail ingest audit-log.ndjson.gz --org default"],
      ["import users", "npx orgtrail import-users users.csv --org default"],
    ] as const) {
      const code = card.getByLabel(label, { exact: true });
      await expect(code).toHaveText(command);
      expect.soft(await code.evaluate(clipped), label).toEqual({ text: command, cutOff: false, pastCard: false });
      const copy = card.getByRole("button", { name: `Copy the command: ${label}` });
      expect.soft((await copy.evaluate(clipped)).pastCard, `Copy: ${label}`).toBe(false);
    }

    for (const [name, file] of [
      ["Audit log file (NDJSON or .gz)", "a-rather-long-audit-log-export-from-the-platform-2026-12-05.ndjson.gz"],
      ["Users file (CSV or SCIM JSON)", "users.csv"],
    ] as const) {
      const input = card.getByLabel(name);
      const form = card.locator("form").filter({ has: page.getByLabel(name) });
      // No native picker (its "No file chosen" cut to "N…" at this width): a visually hidden input,
      // a button-like label "Choose file…" (the input's name starts with it), and the file's name on a line of its own.
      expect.soft(await input.evaluate((el) => el.getBoundingClientRect().width <= 1), `${name}: native picker hidden`).toBe(true);
      const choose = form.getByTestId("choose-file");
      await expect.soft(choose, name).toBeVisible({ timeout: 5_000 });
      const chosen = form.getByTestId("chosen-file");
      await expect.soft(chosen, name).toHaveText("No file chosen", { timeout: 5_000 });
      if ((await choose.count()) === 0 || (await chosen.count()) === 0) continue;
      await expect(input).toHaveAccessibleName(`Choose file… ${name}`);
      expect(await choose.evaluate(clipped), name).toEqual({ text: `Choose file… ${name}`, cutOff: false, pastCard: false });
      const lines = await choose.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el.firstChild!);
        return range.getClientRects().length;
      });
      expect(lines, `${name}: "Choose file…" on one line`).toBe(1);
      expect(await chosen.evaluate(clipped), name).toEqual({ text: "No file chosen", cutOff: false, pastCard: false });

      // The keyboard reaches the input, shows the focus on the label, and opens the chooser.
      await input.focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      await expect(input).toBeFocused();
      expect(await choose.evaluate((el) => getComputedStyle(el).outlineStyle !== "none" && parseFloat(getComputedStyle(el).outlineWidth) > 0)).toBe(true);
      const chooser = page.waitForEvent("filechooser");
      await page.keyboard.press("Space");
      await (await chooser).setFiles({ name: file, mimeType: "application/octet-stream", buffer: Buffer.from("x") });
      await expect(chosen).toHaveText(file);
      expect(await chosen.evaluate(clipped), name).toEqual({ text: file, cutOff: false, pastCard: false });
      await expect(form.getByRole("button", { name: /^Upload/ })).toBeEnabled();
      // The label opens it too.
      const again = page.waitForEvent("filechooser");
      await choose.click();
      await again;
    }
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("Invite new user links to the platform's page when the upstream is known", async ({ page }) => {
    await signInViaApi(page, accounts().admin);
    await page.goto(dashboardUrl());
    const invite = page.getByRole("link", { name: /Invite new user/ });
    await expect(invite).toHaveAttribute("href", "http://127.0.0.1:9/org/dashboard/");
    await expect(invite).toHaveAttribute("target", "_blank");
    await expect(invite).toHaveAccessibleName("Invite new user (opens the platform in a new tab)");
    await expect(page.getByRole("button", { name: /Invite new user/ })).toHaveCount(0);
    // An organization with events is not "empty": no notice on its Activity tab.
    await page.goto(dashboardUrl({ tab: "activity" }));
    await expect(page.getByTestId("total-active-users")).toBeVisible();
    await expect(page.getByRole("region", { name: "Getting data in" })).toHaveCount(0);
  });
});
