import { describe, expect, it } from "vitest";
import { packagesFor, planSystemDeps } from "@/scripts/system-deps.mjs";

describe("packagesFor", () => {
  it("asks only for what the selected test steps use", () => {
    expect(packagesFor(undefined)).toEqual(["chromium", "postgresql", "prometheus"]);
    expect(packagesFor(["lint", "typecheck", "unit", "build"])).toEqual([]);
    expect(packagesFor(["integration-sqlite"])).toEqual(["prometheus"]);
    expect(packagesFor(["integration-postgres"])).toEqual(["postgresql", "prometheus"]);
    expect(packagesFor(["e2e"])).toEqual(["chromium"]);
  });
});

describe("planSystemDeps", () => {
  it("does nothing when nothing is missing, wherever it runs", () => {
    for (const root of [true, false])
      for (const apt of [true, false]) expect(planSystemDeps({ missing: [], root, apt, sudo: false })).toEqual({ action: "none" });
  });

  it("as root with apt: apt-get update once, then installs the missing packages only", () => {
    expect(planSystemDeps({ missing: ["chromium", "prometheus"], root: true, apt: true, sudo: false })).toEqual({
      action: "install",
      commands: [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium", "prometheus"],
      ],
    });
  });

  it("without root: stops with the one command to run, through sudo when there is one", () => {
    const withSudo = planSystemDeps({ missing: ["postgresql"], root: false, apt: true, sudo: true });
    expect(withSudo).toMatchObject({ action: "stop", command: "sudo apt-get update && sudo apt-get install -y postgresql" });
    if (withSudo.action === "stop") expect(withSudo.message).toContain("PostgreSQL 15");
    expect(planSystemDeps({ missing: ["postgresql", "prometheus"], root: false, apt: true, sudo: false })).toMatchObject({
      action: "stop",
      command: "su -c 'apt-get update && apt-get install -y postgresql prometheus'",
    });
  });

  it("without apt: stops, naming the Debian command and the variables that point elsewhere", () => {
    const plan = planSystemDeps({ missing: ["chromium"], root: true, apt: false, sudo: false });
    expect(plan).toMatchObject({ action: "stop", command: "apt-get update && apt-get install -y chromium" });
    if (plan.action === "stop") expect(plan.message).toMatch(/no apt-get here.*CHROMIUM_PATH/s);
  });
});
