// Finding 4 of issue 13: who sees which job's state.
import { describe, expect, it } from "vitest";
import { jobVisible } from "@/lib/jobs/visibility";

describe("jobVisible", () => {
  const tenant = { orgId: 2, orgSlug: "acme", instanceAdmin: false };
  const operator = { orgId: 1, orgSlug: "default", instanceAdmin: true };

  it.each([
    ["an instance-wide job, to a tenant's admin", { name: "bucket-export", org_id: null }, tenant, false],
    ["an instance-wide job, to an instance admin", { name: "bucket-export", org_id: null }, operator, true],
    ["the organization's own job", { name: "upstream-pull", org_id: 2 }, tenant, true],
    ["another organization's job, to a tenant", { name: "upstream-pull", org_id: 3 }, tenant, false],
    ["another organization's job, even to an instance admin looking at its own organization", { name: "upstream-pull", org_id: 3 }, operator, false],
    ["a checkpoint row named for the organization", { name: "upstream-pull:acme:abc", org_id: null }, tenant, true],
    ["a checkpoint row named for another organization", { name: "upstream-pull:globex:abc", org_id: null }, tenant, false],
    ["a checkpoint row of any organization, to an instance admin", { name: "upstream-pull:globex:abc", org_id: null }, operator, true],
  ])("%s", (_what, row, viewer, expected) => {
    expect(jobVisible(row, viewer)).toBe(expected);
  });
});
