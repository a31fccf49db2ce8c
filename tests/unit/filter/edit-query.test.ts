import { describe, expect, it } from "vitest";
import { addTerm, removeTerm, replaceTerm, setCreatedRange, suggestionContext, termAt } from "@/lib/filter/edit-query";

describe("query edits of the explorer page", () => {
  it("adds a term once", () => {
    expect(addTerm("", "action:user:login")).toBe("action:user:login");
    expect(addTerm("  status:4xx ", "-ip:10.0.0.1")).toBe("status:4xx -ip:10.0.0.1");
    expect(addTerm("status:4xx -ip:10.0.0.1", "-ip:10.0.0.1")).toBe("status:4xx -ip:10.0.0.1");
  });

  it("removes a term as written", () => {
    expect(removeTerm('status:4xx entity:"ml team" robotics', 'entity:"ml team"')).toBe("status:4xx robotics");
  });

  it("replaces the positive created: terms by the dragged range, keeping exclusions", () => {
    expect(setCreatedRange("action:run:* created:2026-01-01 -created:2026-01-05", "2026-02-01", "2026-02-10")).toBe("action:run:* -created:2026-01-05 created:2026-02-01..2026-02-10");
    expect(setCreatedRange("", "2026-02-01", "2026-02-01")).toBe("created:2026-02-01");
  });

  it("finds the term under the caret and what it asks for", () => {
    expect(termAt("status:4xx act", 14)).toEqual({ start: 11, end: 14, text: "act" });
    expect(suggestionContext("act")).toEqual({ kind: "qualifier", prefix: "act", negated: false });
    expect(suggestionContext("-action:us")).toEqual({ kind: "value", qualifier: "action", prefix: "us", negated: true });
    expect(suggestionContext('entity:"ml')).toEqual({ kind: "value", qualifier: "entity", prefix: "ml", negated: false });
    expect(suggestionContext("colour:red")).toBeNull();
  });

  it("replaces the term being typed and puts the caret after it", () => {
    expect(replaceTerm("status:4xx act", 11, 14, "action:", true)).toEqual({ text: "status:4xx action:", caret: 18 });
    expect(replaceTerm("status:4xx action:us", 11, 20, "action:user:login")).toEqual({ text: "status:4xx action:user:login ", caret: 29 });
    expect(replaceTerm("act status:4xx", 0, 3, "action:user:login")).toEqual({ text: "action:user:login status:4xx", caret: 18 });
  });
});
