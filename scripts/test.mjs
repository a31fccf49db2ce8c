#!/usr/bin/env node
// `npm test`: the whole suite, in order, stopping at the first failing step:
//   format, lint, typecheck, unit, build, build-cli, bundle, integration-sqlite, integration-postgres, e2e
// First, the system packages the selected steps need (Chromium, PostgreSQL 15, promtool):
// installed when missing if run as root with apt, else it stops at once with the command to
// run (scripts/system-deps.mjs).
// Each step prints a header and its duration; the last line is `N passed, N failed`
// (tests counted across the vitest and playwright runs). Exit code 0 only if all passed.
//
// Local use: run some steps only, or skip some (comma-separated step names):
//   ORGTRAIL_TEST_ONLY=unit,integration-sqlite npm test
//   ORGTRAIL_TEST_SKIP=build,e2e npm test      (integration and e2e need a prior build)
// Extra arguments are passed to every vitest step, e.g. `npm test -- -t "health"`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemDeps } from "./system-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const resultsDir = join(root, "test-results");
const bin = (pkgPath) => join(root, "node_modules", pkgPath);
const extraVitestArgs = process.argv.slice(2);

function vitestStep(name, project, store) {
  const outputFile = join(resultsDir, `vitest-${name}.json`);
  return {
    name,
    label: `vitest run --project ${project}${store ? ` (ORGTRAIL_TEST_STORE=${store})` : ""}`,
    command: [
      bin("vitest/vitest.mjs"),
      "run",
      "--project",
      project,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${outputFile}`,
      ...extraVitestArgs,
    ],
    env: store ? { ORGTRAIL_TEST_STORE: store } : {},
    counts: () => vitestCounts(outputFile),
  };
}

const playwrightReport = join(resultsDir, "playwright.json");
const steps = [
  // Prettier's layout (.prettierrc.json; .prettierignore keeps prose and fixtures as written): `npm run format` fixes it.
  { name: "format", label: "prettier --check .", command: [bin("prettier/bin/prettier.cjs"), "--check", "."] },
  { name: "lint", label: "eslint .", command: [bin("eslint/bin/eslint.js"), "."] },
  { name: "typecheck", label: "tsc --noEmit", command: [bin("typescript/bin/tsc"), "--noEmit"] },
  vitestStep("unit", "unit"),
  { name: "build", label: "next build", command: [bin("next/dist/bin/next"), "build"] },
  // The CLI the integration and e2e tests spawn runs compiled when this build is current (bin/orgtrail.mjs).
  { name: "build-cli", label: "scripts/build-cli.mjs", command: [join(root, "scripts/build-cli.mjs")] },
  // First-load JavaScript of the dashboard pages, gzipped: fails over the 200 kB budget.
  { name: "bundle", label: "bundle-report (first-load JS budget)", command: ["--import", "tsx/esm", join(root, "scripts/bundle-report.ts")] },
  vitestStep("integration-sqlite", "integration", "sqlite"),
  vitestStep("integration-postgres", "integration", "postgres"),
  {
    name: "e2e",
    label: "playwright test",
    command: [bin("@playwright/test/cli.js"), "test"],
    counts: () => playwrightCounts(playwrightReport),
  },
];

function stepList(variable) {
  const value = process.env[variable];
  if (!value) return undefined;
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !steps.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`${variable}: unknown step(s) ${unknown.join(", ")}; steps are ${steps.map((s) => s.name).join(", ")}`);
    process.exit(2);
  }
  return new Set(names);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function vitestCounts(file) {
  const report = readJson(file);
  if (!report) return undefined;
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

function playwrightCounts(file) {
  const report = readJson(file);
  if (!report?.stats) return undefined;
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  return { passed: expected + flaky, failed: unexpected, skipped };
}

function run(command, extraEnv) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, command, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extraEnv },
    });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (error) => {
      console.error(error);
      resolveRun(1);
    });
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolveRun(code ?? (signal ? 1 : 0));
    });
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const only = stepList("ORGTRAIL_TEST_ONLY");
  const skip = stepList("ORGTRAIL_TEST_SKIP") ?? new Set();
  const selected = steps.filter((s) => (!only || only.has(s.name)) && !skip.has(s.name));
  if (!ensureSystemDeps(selected.map((s) => s.name))) process.exit(1);

  mkdirSync(resultsDir, { recursive: true });
  // Stale reports from an earlier run must not be counted.
  for (const step of steps) rmSync(join(resultsDir, `vitest-${step.name}.json`), { force: true });
  rmSync(playwrightReport, { force: true });

  let passed = 0;
  let failed = 0;
  let skippedTests = 0;
  /** Tests run by the vitest steps: with a filter (`npm test -- -t x`), none at all is a failure. */
  let vitestRan = 0;
  const timings = [];
  let failedStep;
  const started = Date.now();

  for (const step of selected) {
    console.log(`\n${"=".repeat(72)}\n== ${step.name}: ${step.label}\n${"=".repeat(72)}`);
    const t0 = Date.now();
    const code = await run(step.command, step.env ?? {});
    const took = Date.now() - t0;
    timings.push({ name: step.name, took, code });
    if (step.counts) {
      const counts = step.counts();
      if (counts) {
        passed += counts.passed;
        failed += counts.failed;
        skippedTests += counts.skipped;
        if (step.command.includes("--project")) vitestRan += counts.passed + counts.failed;
      }
    }
    console.log(`== ${step.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds(took)}`);
    if (code !== 0) {
      failedStep = step.name;
      break;
    }
  }

  console.log(`\n${"=".repeat(72)}`);
  for (const t of timings) console.log(`${t.code === 0 ? "ok  " : "FAIL"} ${t.name.padEnd(22)} ${seconds(t.took)}`);
  const notRun = selected.slice(timings.length).map((s) => s.name);
  if (notRun.length > 0) console.log(`not run after the failure: ${notRun.join(", ")}`);
  const skipped = steps.filter((s) => !selected.includes(s)).map((s) => s.name);
  if (skipped.length > 0) console.log(`skipped by ORGTRAIL_TEST_ONLY/SKIP: ${skipped.join(", ")}`);
  // vitest runs with passWithNoTests (a project may have no match for a filter), so a filter
  // that matches no test anywhere is caught here.
  if (!failedStep && extraVitestArgs.length > 0 && vitestRan === 0 && timings.some((t) => t.name.startsWith("unit") || t.name.startsWith("integration"))) {
    failedStep = "filter";
    console.log(`no test matched ${extraVitestArgs.join(" ")}`);
  }
  console.log(`total ${seconds(Date.now() - started)}${failedStep ? `; failed at step ${failedStep}` : ""}`);
  // A step can fail without a failing test (lint, build, a crash): the exit code says so.
  console.log(`${passed} passed, ${failed} failed, ${skippedTests} skipped`);
  process.exit(failedStep ? 1 : 0);
}

if (!existsSync(bin("vitest/vitest.mjs"))) {
  console.error("node_modules is missing: run `npm ci` first");
  process.exit(1);
}
await main();
