#!/usr/bin/env node
// The system packages `npm test` needs, installed when missing (scripts/test.mjs calls this first):
//   chromium    /usr/bin/chromium (or CHROMIUM_PATH)            the browser tests
//   postgresql  /usr/lib/postgresql/15/bin (or ORGTRAIL_PG_BIN)  the integration tests on PostgreSQL
//   prometheus  promtool on PATH                                 GET /metrics checked by promtool
// As root with apt: `apt-get update` once, then `apt-get install -y` the missing ones only.
// Otherwise: stops at once, printing the one command to run.
//
//   node scripts/system-deps.mjs [STEP...]    check (and install) for these test steps (default: all)
//
// ORGTRAIL_SYSTEM_DEPS_PATHS=chromium=/p,postgresql=/p,prometheus=/p replaces the paths checked
// (tests only: it lets a test see the install path without uninstalling anything).
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Each package, what it gives the tests, and the `npm test` steps that need it. */
export const SYSTEM_DEPS = [
  { pkg: "chromium", what: "Chromium (browser tests)", steps: ["e2e"] },
  { pkg: "postgresql", what: "PostgreSQL 15 (integration tests on PostgreSQL)", steps: ["integration-postgres"] },
  { pkg: "prometheus", what: "promtool (checks GET /metrics)", steps: ["integration-sqlite", "integration-postgres"] },
];

/** The packages the given steps need (every package when `steps` is undefined). */
export function packagesFor(steps) {
  return SYSTEM_DEPS.filter((d) => steps === undefined || d.steps.some((s) => steps.includes(s))).map((d) => d.pkg);
}

/**
 * What to do, from what is missing and where we run. Pure.
 * @returns {{action: "none"} | {action: "install", commands: string[][]} | {action: "stop", command: string, message: string}}
 */
export function planSystemDeps({ missing, root, apt, sudo }) {
  if (missing.length === 0) return { action: "none" };
  const list = missing.join(" ");
  if (apt && root)
    return {
      action: "install",
      commands: [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", ...missing],
      ],
    };
  const what = SYSTEM_DEPS.filter((d) => missing.includes(d.pkg))
    .map((d) => d.what)
    .join(", ");
  if (apt) {
    const command = sudo ? `sudo apt-get update && sudo apt-get install -y ${list}` : `su -c 'apt-get update && apt-get install -y ${list}'`;
    return {
      action: "stop",
      command,
      message: `npm test needs ${what}, which are missing; it installs them itself only as root. Run:\n  ${command}\nthen npm test again.`,
    };
  }
  const command = `apt-get update && apt-get install -y ${list}`;
  return {
    action: "stop",
    command,
    message: `npm test needs ${what}, which are missing, and there is no apt-get here to install them. On Debian, as root:\n  ${command}\nElsewhere install them with the system's package manager (CHROMIUM_PATH and ORGTRAIL_PG_BIN point at other locations; ORGTRAIL_TEST_PG_BASE_URL at a running PostgreSQL).`,
  };
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function onPath(name, env) {
  return (env.PATH ?? "").split(delimiter).some((dir) => dir && executable(join(dir, name)));
}

function overrides(env) {
  const map = new Map();
  for (const part of (env.ORGTRAIL_SYSTEM_DEPS_PATHS ?? "").split(",")) {
    const at = part.indexOf("=");
    if (at > 0) map.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return map;
}

/** Whether the package's files are there. */
function present(pkg, env) {
  const fake = overrides(env).get(pkg);
  if (fake !== undefined) return executable(fake);
  if (pkg === "chromium") return executable(env.CHROMIUM_PATH || "/usr/bin/chromium");
  if (pkg === "postgresql") {
    if (env.ORGTRAIL_TEST_PG_BASE_URL) return true; // an external cluster: no binaries needed
    const bin = env.ORGTRAIL_PG_BIN || "/usr/lib/postgresql/15/bin";
    return isDirectory(bin) && executable(join(bin, "initdb")) && executable(join(bin, "pg_ctl"));
  }
  if (pkg === "prometheus") return onPath("promtool", env);
  throw new Error(`unknown package ${pkg}`);
}

export function missingPackages(steps, env = process.env) {
  return packagesFor(steps).filter((pkg) => !present(pkg, env));
}

/** Checks, installs when it can, checks again. Resolves to true when everything is there. */
export function ensureSystemDeps(steps, { env = process.env, log = (line) => console.log(line) } = {}) {
  const missing = missingPackages(steps, env);
  const plan = planSystemDeps({ missing, root: process.getuid?.() === 0, apt: onPath("apt-get", env), sudo: onPath("sudo", env) });
  if (plan.action === "none") return true;
  if (plan.action === "stop") {
    console.error(`system-deps: ${plan.message}`);
    return false;
  }
  log(`system-deps: installing ${missing.join(", ")} (missing)`);
  for (const command of plan.commands) {
    log(`system-deps: ${command.join(" ")}`);
    const run = spawnSync(command[0], command.slice(1), { stdio: "inherit", env: { ...env, DEBIAN_FRONTEND: "noninteractive" } });
    if (run.status !== 0) {
      console.error(`system-deps: \`${command.join(" ")}\` failed (${run.error?.message ?? `exit ${run.status}`})`);
      return false;
    }
  }
  const still = missingPackages(steps, env);
  if (still.length > 0) {
    console.error(`system-deps: still missing after apt-get install: ${still.join(", ")}`);
    return false;
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const steps = process.argv.slice(2);
  process.exit(ensureSystemDeps(steps.length > 0 ? steps : undefined) ? 0 : 1);
}
