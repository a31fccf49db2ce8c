import { describe, expect, it } from "vitest";
import { readListPage, scimEndpoint, SCIM_LIST_RESPONSE } from "@/lib/sources/scim-client";

describe("scimEndpoint", () => {
  it("appends /scim/Users to a base URL, once", () => {
    expect(scimEndpoint("https://wandb.acme.test", "Users").toString()).toBe("https://wandb.acme.test/scim/Users");
    expect(scimEndpoint("https://wandb.acme.test/", "Groups").toString()).toBe("https://wandb.acme.test/scim/Groups");
    expect(scimEndpoint("https://acme.test/wandb/scim/?x=1", "Users").toString()).toBe("https://acme.test/wandb/scim/Users");
  });
});

describe("readListPage", () => {
  it("reads a ListResponse page", () => {
    expect(readListPage(JSON.stringify({ schemas: [SCIM_LIST_RESPONSE], totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ id: "a" }] }))).toEqual({
      resources: [{ id: "a" }],
      totalResults: 3,
      startIndex: 2,
    });
    expect(readListPage(JSON.stringify({ totalresults: 0 }))).toEqual({ resources: [], totalResults: 0, startIndex: null });
  });
  it("names what is wrong", () => {
    expect(readListPage("<html>")).toBe("the answer is not JSON");
    expect(readListPage("[]")).toBe("the answer is not a SCIM ListResponse");
    expect(readListPage(JSON.stringify({ Resources: [] }))).toBe("totalResults: missing or not a whole number");
    expect(readListPage(JSON.stringify({ totalResults: 1, Resources: {} }))).toBe("Resources: not an array");
  });
});
