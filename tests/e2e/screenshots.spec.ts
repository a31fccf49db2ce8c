// The screenshots of docs/screenshots/ (docs/DASHBOARD.md): the Users, Activity and Seats tabs of
// the demo organization at 390, 1440 and 1920 px, as of the server's today (so today's partial
// day and week show). Not a check: run on purpose with
//   ORGTRAIL_SCREENSHOTS=1 ORGTRAIL_E2E_PORT=PORT npx playwright test tests/e2e/screenshots.spec.ts
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import type { E2eAccount } from "./accounts";
import { accounts, signInViaApi } from "./support";

test.skip(!process.env.ORGTRAIL_SCREENSHOTS, "set ORGTRAIL_SCREENSHOTS=1 to remake docs/screenshots");

let admin: E2eAccount;

function cli(args: string[]): string {
  const run = spawnSync(process.execPath, ["bin/orgtrail.mjs", ...args], {
    env: { ...process.env, ORGTRAIL_DATABASE_URL: accounts().databaseUrl },
    encoding: "utf8",
    timeout: 300_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  cli(["demo", "--org", "demo"]);
  const username = `shots-${randomBytes(3).toString("hex")}`;
  admin = { username, apiKey: cli(["admin", "create", username, "--org", "demo"]).trim() };
});

for (const width of [390, 1440, 1920]) {
  test.describe(`${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 1000 } });

    test(`Users, Activity and Seats at ${width} px`, async ({ page }) => {
      await signInViaApi(page, admin);
      await page.goto("/org/dashboard");
      await expect(page.getByText(/\d+ users · as of/)).toBeVisible();
      await page.getByRole("table", { name: "Users" }).getByRole("row").nth(3).getByRole("cell").nth(5).hover();
      await page.screenshot({ path: `docs/screenshots/users-${width}.png` });

      await page.goto("/org/dashboard?tab=activity&range=90");
      await expect(page.getByTestId("active-user-count")).toBeVisible();
      await expect(page.locator("figure svg.recharts-surface").first()).toBeVisible();
      await expect(page.getByRole("region", { name: "Activity panel" }).locator("svg.recharts-surface")).toBeVisible();
      await page.waitForTimeout(500);
      await page.screenshot({ path: `docs/screenshots/activity-${width}.png`, fullPage: true });

      await page.goto("/org/dashboard?tab=seats");
      await expect(page.getByTestId("seat-count-inactive")).toBeVisible();
      await page.getByRole("button", { name: /^Preview Slack digest: Inactive/ }).click();
      await page.screenshot({ path: `docs/screenshots/seats-${width}.png`, fullPage: true });
    });
  });
}
