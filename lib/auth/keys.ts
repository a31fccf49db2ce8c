import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new API key: 32 random bytes, URL-safe, with a recognizable prefix. */
export function newApiKey(): string {
  return `otk_${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hex digest. */
export function secretMatches(presented: string, storedHashHex: string): boolean {
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = Buffer.from(storedHashHex, "hex");
  return b.length === a.length && timingSafeEqual(a, b);
}
