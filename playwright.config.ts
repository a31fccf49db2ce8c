// Browser tests against the built server (`next build` first), with Debian's Chromium
// (never `playwright install`). tests/e2e/serve.mjs starts the server on a fresh SQLite
// store and writes the API keys of two accounts to ORGTRAIL_E2E_ACCOUNTS.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.ORGTRAIL_E2E_PORT ?? "3100");
const baseURL = `http://127.0.0.1:${port}`;
const accountsFile = process.env.ORGTRAIL_E2E_ACCOUNTS ?? "test-results/e2e-accounts.json";

export default defineConfig({
  testDir: "tests/e2e",
  // Kept apart from the accounts file and the JSON report, which live beside it.
  outputDir: "test-results/playwright",
  fullyParallel: false,
  // One shared server and store; 2 cores.
  workers: Number(process.env.ORGTRAIL_E2E_WORKERS ?? "1"),
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Generous: a 2-core CI machine also runs the server, and axe scans of a full page take seconds.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL,
    headless: true,
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "node tests/e2e/serve.mjs",
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    // SIGTERM (not the default SIGKILL) lets serve.mjs remove its temp store.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      ORGTRAIL_E2E_ACCOUNTS: accountsFile,
      NEXT_TELEMETRY_DISABLED: "1",
      ORGTRAIL_DEMO: "0",
    },
  },
});
