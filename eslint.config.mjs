// ESLint flat config: Next's core-web-vitals rules plus its typescript-eslint rules.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
    },
  },
  {
    // Tool config files export their config object directly, as their docs show.
    files: ["*.config.{js,mjs,cjs,ts,mts}"],
    rules: { "import/no-anonymous-default-export": "off" },
  },
  globalIgnores([
    ".next/**",
    // Private build directories (ORGTRAIL_DIST_DIR, next.config.ts).
    ".next-*/**",
    // The compiled CLI (scripts/build-cli.mjs).
    "dist/**",
    "node_modules/**",
    "data/**",
    ".bench/**",
    "coverage/**",
    "test-results/**",
    "playwright-report/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
  ]),
]);
