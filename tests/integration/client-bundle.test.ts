// Secrets and server-only code never reach the browser bundle (issue: "a test greps the build").
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../support/server";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("the client bundle", () => {
  const staticDir = join(PROJECT_ROOT, process.env.ORGTRAIL_DIST_DIR || ".next", "static");
  const bundle = files(staticDir)
    .filter((f) => /\.(js|css|html|json)$/.test(f))
    .map((f) => ({ file: f, text: readFileSync(f, "utf8") }));

  it("is the dashboard's client code (so the scan below looks at the right files)", () => {
    expect(bundle.some((b) => b.text.includes("Export as CSV"))).toBe(true);
  });

  it.each([
    ["secret-bearing environment variable names", /ORGTRAIL_(SECRET_KEY|SIGNING_KEY|METRICS_TOKEN|UPSTREAM_API_KEY|DATABASE_URL)/],
    ["private keys", /BEGIN (ED25519 |EC |RSA )?PRIVATE KEY/],
    ["database drivers and server modules", /better-sqlite3|pg-cursor|node:crypto|key_hash|slack_client_secret_enc|slack_webhook_enc/],
    ["API keys", /otk_[A-Za-z0-9_-]{20,}/],
  ])("holds no %s", (_what, pattern) => {
    const hits = bundle.filter((b) => pattern.test(b.text)).map((b) => b.file.slice(staticDir.length));
    expect(hits).toEqual([]);
  });
});
