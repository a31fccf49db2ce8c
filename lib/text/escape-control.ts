/**
 * Makes text from outside (rejected lines, upstream errors, user agents) safe to print on a
 * terminal or write to a log: C0 and C1 control characters, DEL, the Unicode line and
 * paragraph separators and the bidi overrides are written as `\uXXXX` (ESC becomes `\u001b`),
 * so no escape sequence runs, no line is forged, no text is reordered. Pure.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * An error for a server log: its message escaped, then its stack frames (which come from our
 * code) on their own lines. A message from outside cannot add lines or escape sequences.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return escapeControl(String(error));
  const frames = (error.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  const code = (error as { code?: unknown }).code;
  const head = `${escapeControl(error.name)}: ${escapeControl(error.message)}${typeof code === "string" ? ` (${escapeControl(code)})` : ""}`;
  return [head, ...frames.map((f) => escapeControl(f))].join("\n");
}
