import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { dialectOf, sqlitePath } from "../db/dialect";
import { env } from "../env";

/**
 * Secrets kept in the store (the Slack client secret and incoming webhook) are sealed with
 * AES-256-GCM under a key that is never in the store: `ORGTRAIL_SECRET_KEY`, else a key file
 * created on first use with mode 0600 beside the SQLite file (or in ./data for PostgreSQL).
 * A stolen database dump alone reveals nothing; the associated data binds each ciphertext to
 * its purpose and organization, so one cannot be swapped for another.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
const VERSION = "v1";
const KEY_FILE_NAME = "orgtrail-secret.key";

export class SecretKeyError extends Error {}

let cachedKey: { source: string; key: Buffer } | undefined;

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new SecretKeyError(`${where} must hold 32 bytes, base64 or hex (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

/** Where the key file lives when ORGTRAIL_SECRET_KEY is unset. */
export function secretKeyFilePath(): string {
  const e = env();
  if (e.ORGTRAIL_SECRET_KEY_FILE) return resolve(e.ORGTRAIL_SECRET_KEY_FILE);
  const url = e.ORGTRAIL_DATABASE_URL;
  if (dialectOf(url) === "sqlite") {
    const path = sqlitePath(url);
    if (path !== ":memory:") return join(dirname(resolve(path)), KEY_FILE_NAME);
  }
  return resolve("data", KEY_FILE_NAME);
}

function loadOrCreateKeyFile(path: string): Buffer {
  try {
    return decodeKey(readFileSync(path, "utf8"), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // `wx`: when two processes race to create it, one wins and the other reads the winner's key.
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString("base64")}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return decodeKey(readFileSync(path, "utf8"), path);
}

function secretKey(): Buffer {
  const fromEnv = env().ORGTRAIL_SECRET_KEY;
  const source = fromEnv ? `env:${createHash("sha256").update(fromEnv).digest("hex")}` : `file:${secretKeyFilePath()}`;
  if (cachedKey?.source === source) return cachedKey.key;
  const key = fromEnv ? decodeKey(fromEnv, "ORGTRAIL_SECRET_KEY") : loadOrCreateKeyFile(secretKeyFilePath());
  cachedKey = { source, key };
  return key;
}

/** Seals `plaintext` for `purpose` (e.g. `slack.client_secret:org:1`). */
export function sealSecret(plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(), iv);
  cipher.setAAD(Buffer.from(`orgtrail:${purpose}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** Opens a sealed secret; null when it was sealed under another key or purpose, or is damaged. */
export function openSecret(sealed: string, purpose: string): string | null {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const key = secretKey();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts[1]!, "base64url"));
    decipher.setAAD(Buffer.from(`orgtrail:${purpose}`, "utf8"));
    decipher.setAuthTag(Buffer.from(parts[2]!, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** A key for another use (e.g. signing OAuth states), derived from the secret key with HKDF. */
export function deriveKey(label: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secretKey(), Buffer.alloc(0), `orgtrail:${label}`, 32));
}

/** Tests switch keys between cases. */
export function resetSecretKeyCache(): void {
  cachedKey = undefined;
}
