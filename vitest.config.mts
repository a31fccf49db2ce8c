// Two projects: `unit` (pure functions, fast) and `integration` (real stores, the built
// server, the CLI). Run one with `vitest run --project unit|integration`.
// Integration uses ORGTRAIL_TEST_STORE=sqlite (default) or postgres (a throwaway
// PostgreSQL 15 cluster started by tests/support/global-setup.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
// Two files at a time halves the wall time (most of it is waiting on servers); 1 to debug.
const integrationWorkers = Number(process.env.ORGTRAIL_TEST_WORKERS ?? "2");

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}` },
      // The real package throws when imported outside a React server bundle.
      { find: /^server-only$/, replacement: `${root}tests/support/empty-module.ts` },
    ],
  },
  test: {
    passWithNoTests: true,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          // No ORGTRAIL_ALLOWED_HOSTS here: operator URLs (upstream, S3) reach loopback without
          // one; the tests that need it for untrusted URLs (the fake Slack's webhook) set it.
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // Test files start servers; the machines have 2 cores (ORGTRAIL_TEST_WORKERS).
          fileParallelism: integrationWorkers > 1,
          maxWorkers: integrationWorkers,
        },
      },
    ],
  },
});
