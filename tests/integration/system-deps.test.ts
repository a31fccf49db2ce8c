// `npm test` does its own set-up (scripts/system-deps.mjs): with packages faked missing
// (ORGTRAIL_SYSTEM_DEPS_PATHS) and a stand-in apt-get first on PATH that records its calls and
// "installs" by creating the paths, nothing on the machine is installed or removed.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../support/server";
import { testTmpRoot } from "../support/store";

const SCRIPT = join(PROJECT_ROOT, "scripts/system-deps.mjs");
const isRoot = process.getuid?.() === 0;

interface Sandbox {
  dir: string;
  bin: string;
  log: string;
  paths: Record<"chromium" | "postgresql" | "prometheus", string>;
}

/** A temp dir with fake package paths (missing until "installed") and a recording apt-get. */
function sandbox(options: { withAptGet?: boolean; skipInstalling?: string } = {}): Sandbox {
  const dir = mkdtempSync(join(testTmpRoot(), "system-deps-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const log = join(dir, "apt-get.log");
  const paths = { chromium: join(dir, "chromium"), postgresql: join(dir, "pg-initdb"), prometheus: join(dir, "promtool") };
  if (options.withAptGet !== false) {
    const create = Object.entries(paths)
      .filter(([pkg]) => pkg !== options.skipInstalling)
      .map(([pkg, path]) => `      ${pkg}) printf '#!/bin/sh\\n' > '${path}'; chmod +x '${path}' ;;`)
      .join("\n");
    writeFileSync(
      join(bin, "apt-get"),
      `#!/bin/sh\necho "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> '${log}'\nif [ "$1" = install ]; then\n  for p in "$@"; do\n    case "$p" in\n${create}\n    esac\n  done\nfi\nexit 0\n`,
    );
    chmodSync(join(bin, "apt-get"), 0o755);
  }
  return { dir, bin, log, paths };
}

function run(s: Sandbox, args: string[], options: { present?: string[]; path?: string; script?: string; env?: Record<string, string> } = {}) {
  for (const pkg of options.present ?? []) {
    const path = s.paths[pkg as keyof Sandbox["paths"]];
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, 0o755);
  }
  const result = spawnSync(process.execPath, [options.script ?? SCRIPT, ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...process.env,
      PATH: options.path ?? `${s.bin}:${process.env.PATH ?? ""}`,
      ORGTRAIL_SYSTEM_DEPS_PATHS: Object.entries(s.paths)
        .map(([pkg, path]) => `${pkg}=${path}`)
        .join(","),
      ...options.env,
    },
  });
  const calls = existsSync(s.log) ? readFileSync(s.log, "utf8").trim().split("\n") : [];
  return { code: result.status, out: `${result.stdout}${result.stderr}`, calls };
}

describe("npm test's system set-up", () => {
  it.skipIf(!isRoot)("as root with apt: apt-get update once, then installs every missing package, non-interactively", () => {
    const s = sandbox();
    const r = run(s, []);
    expect(r.code, r.out).toBe(0);
    expect(r.calls).toEqual(["DEBIAN_FRONTEND=noninteractive update", "DEBIAN_FRONTEND=noninteractive install -y chromium postgresql prometheus"]);
    expect(r.out).toContain("system-deps: installing chromium, postgresql, prometheus (missing)");
    for (const path of Object.values(s.paths)) expect(existsSync(path)).toBe(true);
  });

  it.skipIf(!isRoot)("installs only what is missing, and only what the selected steps need", () => {
    const s = sandbox();
    expect(run(s, [], { present: ["postgresql", "prometheus"] }).calls).toEqual([
      "DEBIAN_FRONTEND=noninteractive update",
      "DEBIAN_FRONTEND=noninteractive install -y chromium",
    ]);
    const t = sandbox();
    const r = run(t, ["lint", "unit", "integration-sqlite"]);
    expect(r.code, r.out).toBe(0);
    expect(r.calls).toEqual(["DEBIAN_FRONTEND=noninteractive update", "DEBIAN_FRONTEND=noninteractive install -y prometheus"]);
    expect(existsSync(t.paths.chromium)).toBe(false);
  });

  it("does nothing when everything is there", () => {
    const s = sandbox();
    const r = run(s, [], { present: ["chromium", "postgresql", "prometheus"] });
    expect(r.code, r.out).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.out).toBe("");
  });

  it.skipIf(!isRoot)("fails when the install did not bring what was missing", () => {
    const s = sandbox({ skipInstalling: "prometheus" });
    const r = run(s, []);
    expect(r.code).toBe(1);
    expect(r.out).toContain("system-deps: still missing after apt-get install: prometheus");
  });

  it("without apt-get, stops at once with the command to run", () => {
    const s = sandbox({ withAptGet: false });
    const started = Date.now();
    const r = run(s, [], { present: ["postgresql"], path: s.bin });
    expect(r.code).toBe(1);
    expect(r.out).toContain("apt-get update && apt-get install -y chromium prometheus");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("npm test (scripts/test.mjs) checks first and stops before any step", () => {
    const s = sandbox({ withAptGet: false });
    const r = run(s, [], { path: s.bin, script: join(PROJECT_ROOT, "scripts/test.mjs"), env: { ORGTRAIL_TEST_ONLY: "e2e" } });
    expect(r.code).toBe(1);
    expect(r.out).toContain("apt-get update && apt-get install -y chromium");
    expect(r.out).not.toContain("== e2e");
  });
});
