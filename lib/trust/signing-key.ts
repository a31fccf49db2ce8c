import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { dialectOf, sqlitePath } from "../db/dialect";
import { env } from "../env";

/**
 * The Ed25519 key that signs checkpoints and purge records. It lives in a file (PKCS#8 PEM,
 * mode 0600), never in the store: a database writer cannot forge a signature. Default: beside
 * the SQLite file, or ./data for PostgreSQL; ORGTRAIL_SIGNING_KEY_FILE overrides.
 */
const KEY_FILE_NAME = "orgtrail-signing.key";

export class SigningKeyError extends Error {}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex digits of SHA-256 of the public key's DER (SPKI): names the key in checkpoints. */
  keyId: string;
  path: string;
}

export function signingKeyFilePath(): string {
  const e = env();
  if (e.ORGTRAIL_SIGNING_KEY_FILE) return resolve(e.ORGTRAIL_SIGNING_KEY_FILE);
  const url = e.ORGTRAIL_DATABASE_URL;
  if (dialectOf(url) === "sqlite") {
    const path = sqlitePath(url);
    if (path !== ":memory:") return join(dirname(resolve(path)), KEY_FILE_NAME);
  }
  return resolve("data", KEY_FILE_NAME);
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: "spki", format: "pem" }).toString();
}

function fromPem(pem: string, path: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${path}: not a private key in PEM (${error instanceof Error ? error.message : String(error)})`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`${path}: an Ed25519 key is required, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), path };
}

const cache = new Map<string, SigningKey>();

/** The signing key, created on first use (mode 0600; a racing process reads the winner's key). */
export function loadSigningKey(options: { create?: boolean; path?: string } = {}): SigningKey {
  const path = options.path ?? signingKeyFilePath();
  const cached = cache.get(path);
  if (cached) return cached;
  let pem: string | null = null;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (pem === null) {
    if (options.create === false) throw new SigningKeyError(`no signing key at ${path} (it is created by the server's first checkpoint)`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    try {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, privateKey.export({ type: "pkcs8", format: "pem" }).toString());
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    pem = readFileSync(path, "utf8");
  }
  const key = fromPem(pem, path);
  cache.set(path, key);
  return key;
}

/** A public key (SPKI PEM; a private key file is accepted too and its public half used). */
export function loadPublicKeyFile(path: string): KeyObject {
  const text = readFileSync(path, "utf8");
  let key: KeyObject;
  try {
    key = text.includes("PRIVATE KEY") ? createPublicKey(createPrivateKey(text)) : createPublicKey(text);
  } catch (error) {
    throw new SigningKeyError(`${path}: not a public key in PEM (${error instanceof Error ? error.message : String(error)})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`${path}: an Ed25519 key is required, not ${key.asymmetricKeyType}`);
  return key;
}
