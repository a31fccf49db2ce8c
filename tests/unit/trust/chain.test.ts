// The chain's byte layout and the checkpoint file format, pinned: offline verifiers
// (docs/SECURITY.md) reimplement them from these vectors.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { normalizeEvent } from "@/lib/audit/event";
import { GENESIS_CHAIN, eventLeaf, nextChain } from "@/lib/trust/chain";
import {
  CheckpointError,
  checkpointKeyFor,
  checkpointMessage,
  checkpointSignatureProblem,
  checkpointToJson,
  parseCheckpointJson,
  signCheckpoint,
} from "@/lib/trust/checkpoint";
import { keyIdOf } from "@/lib/trust/signing-key";

describe("hash chain", () => {
  it("is SHA-256(prev 32 bytes ‖ seq uint64 big-endian ‖ leaf 32 bytes)", () => {
    const body = '{"action":"user:login","timestamp":"2026-01-01T00:00:00.000Z"}';
    const leaf = eventLeaf(body, null);
    expect(leaf).toBe("6f7ee64b190a25264d980582bee0610577b37d42c887ee73936ab818da8eaee7");
    expect(nextChain(GENESIS_CHAIN, 1, leaf)).toBe("9d7895e7648520d82ea8843c21ca0ae4438aaa9851f81b1cf6af7c1f171aa696");
    expect(nextChain(GENESIS_CHAIN, 2, leaf)).not.toBe(nextChain(GENESIS_CHAIN, 1, leaf));
    expect(() => nextChain("xyz", 1, leaf)).toThrow();
  });

  it("recomputes the dedupe key from the stored body and unknown keys", () => {
    const r = normalizeEvent({
      zeta: [1, { b: 2, a: "\u2028" }],
      action: "run:update",
      timestamp: "2026-01-01T01:00:00+01:00",
      __proto__x: 1,
      project_name: "p",
    });
    if (!r.ok) throw new Error(r.error);
    expect(eventLeaf(r.event.body, r.event.extra)).toBe(r.event.dedupeKey);
    const plain = normalizeEvent({ action: "run:update", timestamp: "2026-01-01T00:00:00Z" });
    if (!plain.ok) throw new Error(plain.error);
    expect(eventLeaf(plain.event.body, null)).toBe(plain.event.dedupeKey);
  });
});

describe("checkpoint files", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const key = { privateKey, publicKey, keyId: keyIdOf(publicKey), path: "(memory)" };
  const c = signCheckpoint(
    {
      format: "orgtrail.checkpoint/v1",
      org: "default",
      fromSeq: 1,
      toSeq: 3,
      prevHead: GENESIS_CHAIN,
      head: "ab".repeat(32),
      createdAt: "2026-01-01T00:00:00.000Z",
      keyId: key.keyId,
    },
    key,
  );

  it("signs a fixed text message", () => {
    expect(checkpointMessage(c).toString()).toBe(
      `orgtrail.checkpoint/v1\norg default\nrange 1 3\nprev ${GENESIS_CHAIN}\nhead ${"ab".repeat(32)}\ntime 2026-01-01T00:00:00.000Z\nkey ${key.keyId}\n`,
    );
    expect(checkpointSignatureProblem(c, publicKey)).toBeNull();
  });

  it("round-trips through JSON, extras included, and rejects malformed files", () => {
    const withExtras = { ...c, extras: { "2": '{"x":1}' } };
    expect(parseCheckpointJson(checkpointToJson(withExtras))).toEqual(withExtras);
    expect(() => parseCheckpointJson("{}")).toThrow(CheckpointError);
    expect(() => parseCheckpointJson(JSON.stringify({ ...c, head: "zz" }))).toThrow(/head/);
    expect(checkpointKeyFor("wandb-audit-logs/default/2026-01-01/000000000001-000000000003.ndjson")).toBe(
      "wandb-audit-logs/default/2026-01-01/000000000001-000000000003.checkpoint.json",
    );
  });
});
