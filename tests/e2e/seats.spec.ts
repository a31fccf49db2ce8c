// The Seats tab (dormant seats worklist, read-only): each list's count against a reference the
// test computes itself from GET /api/v1/users, for every threshold; each list's CSV; the Slack
// digest preview; the threshold in the URL; axe. Its own organization, with edge cases.
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import type { E2eAccount } from "./accounts";
import { makeOrg, usersCsv } from "./org-fixture";
import { apiJson, AS_OF, signInViaApi, type ApiUser } from "./support";

const ORG = "e2e-seats";
const DAY = 86_400_000;
const at = (day: string) => `${day}T12:00:00Z`;
const login = (email: string, day: string) => ({ action: "user:login", actor_email: email, timestamp: at(day) });

let admin: E2eAccount;

test.beforeAll(async ({ playwright, baseURL }) => {
  admin = await makeOrg(playwright, baseURL, ORG, {
    usersCsv: usersCsv([
      { name: "Old Timer", username: "old", email: "old@seats.test", teams: ["nlp"] },
      { name: "Edge Ninety", username: "edge90", email: "edge90@seats.test" },
      { name: "Ninety One", username: "d91", email: "d91@seats.test" },
      { name: "Recent Rita", username: "rita", email: "rita@seats.test", teams: ["vision"] },
      { name: "Pending Old", username: "pold", email: "pold@seats.test", teams: ["nlp"] },
      { name: "Pending New", username: "pnew", email: "pnew@seats.test" },
      { name: "Pending Unknown", username: "punk", email: "punk@seats.test" },
      { name: "Deactivated On Teams", username: "dteam", email: "dteam@seats.test", teams: ["nlp", "vision"] },
      { name: "Deactivated Alone", username: "dalone", email: "dalone@seats.test" },
      {
        name: "A Name Long Enough To Be Cut Short In The Name Column Of The Table",
        username: "long",
        email: "a.very.long.email.address.that.does.not.fit@an-unusually-long-domain.seats.test",
        teams: ["a-team-with-a-long-name", "another-team-with-a-long-name", "research"],
      },
    ]),
    events: [
      login("old@seats.test", "2025-06-01"),
      login("edge90@seats.test", "2025-12-31"), // exactly 90 days before 2026-03-31: not "more than 90"
      login("d91@seats.test", "2025-12-30"),
      login("rita@seats.test", "2026-03-20"),
      { action: "team:invite_user", actor_email: "admin@seats.test", user_email: "pold@seats.test", entity_name: "nlp", timestamp: at("2026-01-10") },
      { action: "team:invite_user", actor_email: "admin@seats.test", user_email: "pnew@seats.test", entity_name: "nlp", timestamp: at("2026-03-15") },
      login("dteam@seats.test", "2025-11-01"),
      { action: "user:deactivate", actor_email: "admin@seats.test", user_email: "dteam@seats.test", timestamp: at("2026-02-01") },
      login("dalone@seats.test", "2025-05-01"),
      { action: "user:deactivate", actor_email: "admin@seats.test", user_email: "dalone@seats.test", timestamp: at("2026-02-01") },
      login("a.very.long.email.address.that.does.not.fit@an-unusually-long-domain.seats.test", "2026-03-30"),
      login("ghost@seats.test", "2025-10-01"), // only events know this one
    ],
  });
});

/** The test's own reading of the worklist's definitions (docs/DASHBOARD.md), on the API's users. */
function reference(users: ApiUser[], asOf: string, days: number) {
  const asOfMs = Date.parse(`${asOf}T00:00:00Z`);
  const dayStart = (ts: string) => Date.parse(`${ts.slice(0, 10)}T00:00:00Z`);
  const inactive = users
    .filter((u) => u.status !== "deactivated" && u.lastActive !== null && dayStart(u.lastActive) < asOfMs - days * DAY)
    .sort((a, b) => Date.parse(a.lastActive!) - Date.parse(b.lastActive!));
  const pendingInvites = users.filter((u) => u.status === "invite_pending" && u.addedAt !== null && dayStart(u.addedAt) < asOfMs - 30 * DAY);
  const deactivatedOnTeams = users.filter((u) => u.status === "deactivated" && u.teams.length > 0);
  return { inactive, pendingInvites, deactivatedOnTeams };
}

const TITLES = (days: number) => ({
  inactive: `Inactive for more than ${days} days`,
  pendingInvites: "Invites pending for more than 30 days",
  deactivatedOnTeams: "Deactivated users still on teams",
});

async function openSeats(page: Page, extra = "") {
  await signInViaApi(page, admin);
  await page.goto(`/org/dashboard?tab=seats&asOf=${AS_OF}${extra}`);
  await expect(page.getByTestId("seat-count-inactive")).toBeVisible();
}

test.describe("Seats tab · dormant seats worklist", () => {
  test("each list's count matches the test's own reference, for every threshold; the threshold is in the URL", async ({ page }) => {
    await openSeats(page);
    const users = (await apiJson<{ users: ApiUser[] }>(page.request, `/api/v1/users?asOf=${AS_OF}`)).users;
    expect(users.find((u) => u.email === "ghost@seats.test")?.inDirectory).toBe(false);
    const select = page.getByRole("combobox", { name: "Inactive for more than" });
    await expect(select).toHaveValue("90");
    const seen = new Set<number>();
    for (const days of [90, 30, 60, 180]) {
      if (days !== 90) await select.selectOption(String(days));
      if (days !== 90) await expect(page).toHaveURL(new RegExp(`days=${days}`));
      const ref = reference(users, AS_OF, days);
      for (const [kind, title] of Object.entries(TITLES(days)) as [keyof typeof ref, string][]) {
        const region = page.getByRole("region", { name: title });
        await expect(region.getByTestId(`seat-count-${kind}`)).toHaveText(String(ref[kind].length));
        if (ref[kind].length) await expect(region.getByRole("region", { name: `${title}: users` }).getByRole("row")).toHaveCount(ref[kind].length + 1);
      }
      seen.add(ref.inactive.length);
    }
    // The thresholds really differ on these users (edge90@ is in at 30 and 60 only, d91@ up to 90).
    expect(seen.size).toBeGreaterThan(2);
    const ninety = reference(users, AS_OF, 90);
    // Longest dormant first; dteam@ (deactivated) and edge90@ (exactly 90 days) are not in it.
    expect(ninety.inactive.map((u) => u.email)).toEqual(["old@seats.test", "ghost@seats.test", "d91@seats.test"]);
    expect(ninety.pendingInvites.map((u) => u.email)).toEqual(["pold@seats.test"]);
    expect(ninety.deactivatedOnTeams.map((u) => u.email)).toEqual(["dteam@seats.test"]);
    await page.reload();
    await expect(page.getByRole("combobox", { name: "Inactive for more than" })).toHaveValue("180");
  });

  test("each list downloads as a CSV in the export's format, row for row", async ({ page }) => {
    await openSeats(page);
    const users = (await apiJson<{ users: ApiUser[] }>(page.request, `/api/v1/users?asOf=${AS_OF}`)).users;
    const ref = reference(users, AS_OF, 90);
    for (const [kind, title] of Object.entries(TITLES(90)) as [keyof typeof ref, string][]) {
      const region = page.getByRole("region", { name: title });
      const downloadPromise = page.waitForEvent("download");
      await region.getByRole("button", { name: `Download CSV: ${title}` }).click();
      const download = await downloadPromise;
      expect(download.suggestedFilename()).toMatch(new RegExp(`^seats-.+-${ORG}-${AS_OF}\\.csv$`));
      const parsed = Papa.parse<Record<string, string>>((await readFile((await download.path())!, "utf8")).trim(), { header: true });
      expect(parsed.errors).toEqual([]);
      expect(parsed.meta.fields).toEqual([
        "Name",
        "Username",
        "Last active",
        "Role",
        "Email",
        "Teams",
        "Status",
        "Number of Reports",
        "Number of Runs",
        "Number of active days",
        "Models Seat",
      ]);
      expect(parsed.data.map((r) => [r.Email, r["Last active"], r.Teams])).toEqual(
        ref[kind].map((u) => [u.email, u.lastActive ?? "", [...u.teams].sort().join(", ")]),
      );
    }
  });

  test("the Slack digest preview shows what the weekly digest posts about a list", async ({ page }) => {
    await openSeats(page);
    const title = "Inactive for more than 90 days";
    const region = page.getByRole("region", { name: title });
    const toggle = region.getByRole("button", { name: `Preview Slack digest: ${title}` });
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    const preview = region.getByRole("figure", { name: `Slack digest preview: ${title}` });
    await expect(preview).toContainText(`Dormant seats as of ${AS_OF}`);
    await expect(preview).toContainText(`${title}: 3 users`);
    await expect(preview).toContainText("old (old@seats.test) · last active 2025-06-01");
    await expect(preview).toContainText(`orgtrail · organization ${ORG}`);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  });

  test("a value cut short in the users table shows whole on hover and on keyboard focus", async ({ page }) => {
    await signInViaApi(page, admin);
    await page.goto(`/org/dashboard?asOf=${AS_OF}&q=unusually`);
    const table = page.getByRole("table", { name: "Users" });
    const email = "a.very.long.email.address.that.does.not.fit@an-unusually-long-domain.seats.test";
    const cell = table.getByRole("row").nth(1).getByRole("cell").nth(2);
    await expect(cell).toHaveText(email);
    expect(await cell.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await cell.hover();
    await expect(page.getByRole("tooltip")).toHaveText(email);
    await page.mouse.move(0, 0);
    await expect(page.getByRole("tooltip")).toHaveCount(0);
    // Keyboard: into the rows, two cells right, to the email; then the teams.
    await table.getByRole("columnheader", { name: "Number of active days" }).getByRole("button").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(cell).toBeFocused();
    await expect(page.getByRole("tooltip")).toHaveText(email);
    await expect(cell).toHaveAccessibleDescription(email);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("tooltip")).toHaveText("a-team-with-a-long-name, another-team-with-a-long-name, research");
    // A value that fits has no tooltip.
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("tooltip")).toHaveCount(0);
  });
});
