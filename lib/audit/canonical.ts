import * as crypto from "node:crypto";

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as JavaScript sorts), no
 * whitespace, U+2028/U+2029 escaped so a stored line can never be split by a reader that
 * treats them as line breaks.
 */
export function canonicalJson(value: unknown): string {
  return escapeSeparators(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // defineProperty keeps a "__proto__" key as data instead of changing the prototype.
      Object.defineProperty(out, key, {
        value: sortKeys((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

export function escapeSeparators(json: string): string {
  return /[\u2028\u2029]/.test(json) ? json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029") : json;
}

// crypto.hash (one-shot, Node >= 20.12) avoids a Hash object per event.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
}
