import * as crypto from "node:crypto";
import { canonicalJson, sha256Hex } from "../audit/canonical";

/**
 * The per-organization hash chain (docs/SECURITY.md): chain_n = SHA-256(chain_{n-1} ‖ seq ‖ leaf)
 * over the events in sequence order, where leaf is the event's dedupe key (the SHA-256 of its
 * canonical JSON). The inputs are fixed-width bytes: 32 bytes of chain_{n-1}, the sequence
 * number as an unsigned 64-bit big-endian integer, 32 bytes of leaf. chain_0 is 32 zero bytes.
 * Stored as lower-case hex.
 */
export const GENESIS_CHAIN = "0".repeat(64);

// One buffer reused (nextChain is synchronous) and the one-shot hash: this runs once per
// ingested event, inside the append transaction.
const input = Buffer.alloc(72);
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: "hex") => string }).hash;

export function nextChain(prev: string, seq: number, leaf: string): string {
  // Buffer.write stops at the first non-hex pair: a short write is a malformed digest.
  if (prev.length !== 64 || leaf.length !== 64 || input.write(prev, 0, 32, "hex") !== 32 || input.write(leaf, 40, 32, "hex") !== 32)
    throw new Error("chain inputs must be SHA-256 hex digests");
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`invalid sequence number ${seq}`);
  input.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), 32);
  input.writeUInt32BE(seq >>> 0, 36);
  return oneShot ? oneShot("sha256", input, "hex") : crypto.createHash("sha256").update(input).digest("hex");
}

/**
 * The dedupe key an event must have, recomputed from what the store keeps: its canonical
 * schema line and its unknown keys (canonical JSON, or null). Same result as normalizeEvent.
 */
export function eventLeaf(body: string, extra: string | null): string {
  if (extra === null) return sha256Hex(body);
  const merged: Record<string, unknown> = {};
  for (const source of [JSON.parse(body) as Record<string, unknown>, JSON.parse(extra) as Record<string, unknown>])
    for (const key of Object.keys(source)) Object.defineProperty(merged, key, { value: source[key], enumerable: true, writable: true, configurable: true });
  return sha256Hex(canonicalJson(merged));
}

/** Like eventLeaf, but a line that is not valid JSON yields null instead of throwing. */
export function tryEventLeaf(body: string, extra: string | null): string | null {
  try {
    return eventLeaf(body, extra);
  } catch {
    return null;
  }
}

/** Sets `chain` on rows in sequence order (contiguous, after `head`) and returns the new head. */
export function chainRows(head: string, rows: { seq: number; dedupe_key: string; chain: string }[]): string {
  for (const row of rows) {
    head = nextChain(head, row.seq, row.dedupe_key);
    row.chain = head;
  }
  return head;
}
