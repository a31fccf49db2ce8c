// Finding 5 of issue 13: text from outside never reaches a terminal or a log with live control characters.
import { describe, expect, it } from "vitest";
import { escapeControl } from "@/lib/text/escape-control";

describe("escapeControl", () => {
  it.each([
    ["ESC (an ANSI sequence)", "\u001b[2J\u001b]0;title\u0007", "\\u001b[2J\\u001b]0;title\\u0007"],
    ["CR (overwrites the line) and LF (forges a line)", "ok\rFAKE\nline", "ok\\u000dFAKE\\u000aline"],
    ["NUL, TAB, DEL", "a\u0000b\tc\u007f", "a\\u0000b\\u0009c\\u007f"],
    ["C1 controls (CSI as one byte)", "\u009b31m", "\\u009b31m"],
    ["Unicode separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["bidi overrides", "\u202eevil\u2066x\u2069", "\\u202eevil\\u2066x\\u2069"],
  ])("escapes %s", (_what, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it("leaves ordinary text, quotes, backslashes and non-Latin letters alone", () => {
    const text = 'line 3: field "timestamp": not RFC3339 \\ é 漢字 😀';
    expect(escapeControl(text)).toBe(text);
  });
});
