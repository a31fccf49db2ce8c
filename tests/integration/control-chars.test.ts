// Finding 5 of issue 13: control characters from rejected lines must not reach a terminal or
// a log raw (an ANSI escape could rewrite what the operator sees). The CLI prints them escaped.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

describe(`control characters in rejected lines (${testStoreKind()})`, () => {
  it("are escaped in the CLI's report of rejected lines", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const file = join(testTmpRoot(), `hostile-${process.pid}-${Date.now()}.ndjson`);
    const lines = [
      JSON.stringify({ action: "user:login", timestamp: "2026-03-31T08:00:00Z" }),
      // Invalid JSON whose echo in the error message carries ESC, BEL, CR and a C1 control.
      '{"action":\x1b[2J\x1b]0;pwned\x07 "x\r\x9b31m"}',
      JSON.stringify({ action: "user:login", timestamp: "not-a-time\u001b[31m" }),
    ];
    writeFileSync(file, lines.join("\n") + "\n");
    const r = await runCli(["ingest", "--workers", "0", file], { databaseUrl });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("accepted 1");
    const reported = r.stderr.split("\n").filter((l) => l.includes(":2:") || l.includes(":3:"));
    expect(reported).toHaveLength(2);
    // No C0 control (but the newline ending each report) and no C1 control reaches the terminal.
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(r.stderr).toContain("\\u001b");
  });
});
