import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deriveKey, openSecret, resetSecretKeyCache, sealSecret, secretKeyFilePath } from "@/lib/alerts/secret-box";
import { resetEnvCache } from "@/lib/env";

const saved = { ...process.env };

function useEnv(vars: Record<string, string | undefined>) {
  process.env = { ...saved, ...vars };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  resetEnvCache();
  resetSecretKeyCache();
}

afterEach(() => useEnv({}));

describe("secret box (AES-256-GCM)", () => {
  it("round-trips, and the sealed text is not the plaintext", () => {
    useEnv({ ORGTRAIL_SECRET_KEY: Buffer.alloc(32, 7).toString("base64") });
    const sealed = sealSecret("s3cr3t-client-secret", "slack.client_secret:org:1");
    expect(sealed).not.toContain("s3cr3t");
    expect(sealed).toMatch(/^v1\./);
    expect(openSecret(sealed, "slack.client_secret:org:1")).toBe("s3cr3t-client-secret");
    // A fresh IV each time.
    expect(sealSecret("x", "p")).not.toBe(sealSecret("x", "p"));
  });

  it("refuses another purpose, another key and a tampered ciphertext", () => {
    useEnv({ ORGTRAIL_SECRET_KEY: Buffer.alloc(32, 7).toString("hex") });
    const sealed = sealSecret("hook", "slack.webhook:org:1");
    expect(openSecret(sealed, "slack.webhook:org:2")).toBeNull();
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(openSecret([parts[0], parts[1], parts[2], flipped.toString("base64url")].join("."), "slack.webhook:org:1")).toBeNull();
    useEnv({ ORGTRAIL_SECRET_KEY: Buffer.alloc(32, 8).toString("base64") });
    expect(openSecret(sealed, "slack.webhook:org:1")).toBeNull();
  });

  it("rejects a key that is not 32 bytes", () => {
    useEnv({ ORGTRAIL_SECRET_KEY: "too-short" });
    expect(() => sealSecret("x", "p")).toThrow(/32 bytes/);
  });

  it("without ORGTRAIL_SECRET_KEY, creates a 0600 key file beside the SQLite file, not in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "orgtrail-key-"));
    useEnv({ ORGTRAIL_SECRET_KEY: undefined, ORGTRAIL_SECRET_KEY_FILE: undefined, ORGTRAIL_DATABASE_URL: `file:${join(dir, "orgtrail.db")}` });
    expect(secretKeyFilePath()).toBe(join(dir, "orgtrail-secret.key"));
    const sealed = sealSecret("hello", "p");
    expect(statSync(join(dir, "orgtrail-secret.key")).mode & 0o777).toBe(0o600);
    const key = readFileSync(join(dir, "orgtrail-secret.key"), "utf8");
    resetSecretKeyCache();
    expect(openSecret(sealed, "p")).toBe("hello");
    expect(readFileSync(join(dir, "orgtrail-secret.key"), "utf8")).toBe(key);
    expect(deriveKey("a")).toHaveLength(32);
    expect(deriveKey("a").equals(deriveKey("b"))).toBe(false);
  });
});
