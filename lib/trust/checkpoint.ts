import { sign, verify, type KeyObject } from "node:crypto";
import type { Store } from "../db/client";
import { GENESIS_CHAIN } from "./chain";
import { latestPurge, recomputeRange } from "./range";
import { keyIdOf, loadSigningKey, type SigningKey } from "./signing-key";

/**
 * A signed checkpoint (docs/SECURITY.md), modelled on CloudTrail digest files and
 * transparency-log checkpoints: an organization's chain went from `prevHead` (after event
 * fromSeq - 1) to `head` (after event toSeq) by `createdAt`, signed with the instance's
 * Ed25519 key. Consecutive checkpoints link (one's head is the next one's prevHead).
 */
export const CHECKPOINT_FORMAT = "orgtrail.checkpoint/v1";

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** The organization's slug. */
  org: string;
  fromSeq: number;
  toSeq: number;
  prevHead: string;
  head: string;
  /** RFC3339, UTC, milliseconds. */
  createdAt: string;
  keyId: string;
  /** Ed25519 signature of checkpointMessage(), base64. */
  signature: string;
  /**
   * Not signed (the chain binds them): the unknown keys of the range's events that have any,
   * by sequence number. An exported object holds schema keys only; with these, each line's
   * dedupe key, hence the chain, can be recomputed offline.
   */
  extras?: Record<string, string>;
}

export type UnsignedCheckpoint = Omit<Checkpoint, "signature" | "extras">;

export class CheckpointError extends Error {}

/** The exact bytes signed: one field per line, fixed order. */
export function checkpointMessage(c: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    `${CHECKPOINT_FORMAT}\norg ${c.org}\nrange ${c.fromSeq} ${c.toSeq}\nprev ${c.prevHead}\nhead ${c.head}\ntime ${c.createdAt}\nkey ${c.keyId}\n`,
    "utf8",
  );
}

export function signCheckpoint(c: UnsignedCheckpoint, key: SigningKey): Checkpoint {
  if (c.keyId !== key.keyId) throw new CheckpointError("checkpoint key id does not match the signing key");
  return { ...c, signature: sign(null, checkpointMessage(c), key.privateKey).toString("base64") };
}

/** Why a checkpoint cannot be trusted with this public key, or null when its signature holds. */
export function checkpointSignatureProblem(c: Checkpoint, publicKey: KeyObject): string | null {
  const expected = keyIdOf(publicKey);
  if (c.keyId !== expected) return `signed by another key (key id ${c.keyId}, expected ${expected})`;
  let ok = false;
  try {
    ok = verify(null, checkpointMessage(c), publicKey, Buffer.from(c.signature, "base64"));
  } catch {
    ok = false;
  }
  return ok ? null : "bad signature (the checkpoint was altered or forged)";
}

/**
 * Signs a checkpoint of an organization's chain and records it in the store. Without a
 * range: from the event after the latest recorded checkpoint (or the start of the log when
 * nothing is new) to the last event. With a range (e.g. one exported object): exactly that.
 * The range's events are re-hashed first; a store that does not verify is never signed.
 */
export async function createCheckpoint(store: Store, orgId: number, range?: { fromSeq: number; toSeq: number }): Promise<Checkpoint> {
  const key = loadSigningKey();
  const org = await store.db.selectFrom("organizations").select(["slug", "last_seq", "chain_head"]).where("id", "=", orgId).executeTakeFirst();
  if (!org) throw new CheckpointError(`no organization with id ${orgId}`);
  const lastSeq = Number(org.last_seq);
  const purge = await latestPurge(store, orgId);
  const logStart = purge ? Number(purge.up_to_seq) + 1 : 1;
  let fromSeq: number;
  let toSeq: number;
  if (range) {
    ({ fromSeq, toSeq } = range);
    if (!Number.isSafeInteger(fromSeq) || !Number.isSafeInteger(toSeq) || fromSeq < logStart || toSeq < fromSeq - 1 || toSeq > lastSeq)
      throw new CheckpointError(`range ${fromSeq}-${toSeq} is outside the stored log ${logStart}-${lastSeq}`);
  } else {
    const latest = await store.db
      .selectFrom("checkpoints")
      .select((eb) => eb.fn.max("to_seq").as("to_seq"))
      .where("org_id", "=", orgId)
      .executeTakeFirst();
    const after = Number(latest?.to_seq ?? 0);
    fromSeq = after >= logStart && after < lastSeq ? after + 1 : logStart;
    toSeq = lastSeq;
  }
  let prevHead: string;
  if (fromSeq === 1) prevHead = GENESIS_CHAIN;
  else if (purge && fromSeq - 1 === Number(purge.up_to_seq)) prevHead = purge.chain_head;
  else {
    const row = await store.db
      .selectFrom("events")
      .select("chain")
      .where("org_id", "=", orgId)
      .where("seq", "=", fromSeq - 1)
      .executeTakeFirst();
    if (!row) throw new CheckpointError(`${org.slug}: event ${fromSeq - 1} is missing from the store`);
    prevHead = row.chain;
  }
  const walked = await recomputeRange(store, orgId, fromSeq, toSeq, prevHead, { collectExtras: true });
  if (!walked.ok) throw new CheckpointError(`${org.slug}: refusing to sign: event ${walked.firstBadSeq}: ${walked.reason}`);
  if (toSeq === lastSeq && walked.head !== org.chain_head)
    throw new CheckpointError(`${org.slug}: refusing to sign: the organization's chain head does not match its events`);

  const checkpoint = signCheckpoint(
    { format: CHECKPOINT_FORMAT, org: org.slug, fromSeq, toSeq, prevHead, head: walked.head, createdAt: new Date().toISOString(), keyId: key.keyId },
    key,
  );
  await store.db
    .insertInto("checkpoints")
    .values({
      org_id: orgId,
      from_seq: fromSeq,
      to_seq: toSeq,
      prev_head: prevHead,
      head: checkpoint.head,
      created_at: Date.parse(checkpoint.createdAt),
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    })
    .execute();
  return Object.keys(walked.extras).length > 0 ? { ...checkpoint, extras: walked.extras } : checkpoint;
}

/** A stored checkpoint row as the signed document. */
export function checkpointFromRow(
  slug: string,
  row: { from_seq: number; to_seq: number; prev_head: string; head: string; created_at: number; key_id: string; signature: string },
): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    org: slug,
    fromSeq: Number(row.from_seq),
    toSeq: Number(row.to_seq),
    prevHead: row.prev_head,
    head: row.head,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** The file (or bucket object) format: one JSON document, keys in a fixed order, newline-terminated. */
export function checkpointToJson(c: Checkpoint): string {
  const doc: Checkpoint = {
    format: c.format,
    org: c.org,
    fromSeq: c.fromSeq,
    toSeq: c.toSeq,
    prevHead: c.prevHead,
    head: c.head,
    createdAt: c.createdAt,
    keyId: c.keyId,
    signature: c.signature,
  };
  if (c.extras && Object.keys(c.extras).length > 0) doc.extras = c.extras;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a checkpoint file; throws CheckpointError naming what is wrong. */
export function parseCheckpointJson(text: string): Checkpoint {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CheckpointError("not JSON");
  }
  const o = v as Record<string, unknown>;
  if (v === null || typeof v !== "object" || o.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`not an ${CHECKPOINT_FORMAT} document`);
  const int = (k: string) => {
    if (typeof o[k] !== "number" || !Number.isSafeInteger(o[k]) || (o[k] as number) < 0) throw new CheckpointError(`field ${k} must be a non-negative integer`);
    return o[k] as number;
  };
  const str = (k: string, re?: RegExp) => {
    if (typeof o[k] !== "string" || (re && !re.test(o[k] as string))) throw new CheckpointError(`field ${k} is malformed`);
    return o[k] as string;
  };
  const c: Checkpoint = {
    format: CHECKPOINT_FORMAT,
    org: str("org", /^[^\n]+$/),
    fromSeq: int("fromSeq"),
    toSeq: int("toSeq"),
    prevHead: str("prevHead", HEX64),
    head: str("head", HEX64),
    createdAt: str("createdAt", /^[^\n]+$/),
    keyId: str("keyId", /^[0-9a-f]{16}$/),
    signature: str("signature"),
  };
  if (c.toSeq < c.fromSeq - 1) throw new CheckpointError("toSeq is before fromSeq");
  if (o.extras !== undefined) {
    if (o.extras === null || typeof o.extras !== "object" || Array.isArray(o.extras)) throw new CheckpointError("field extras must be an object");
    const extras: Record<string, string> = {};
    for (const [k, val] of Object.entries(o.extras as Record<string, unknown>)) {
      if (!/^\d+$/.test(k) || typeof val !== "string") throw new CheckpointError("field extras must map sequence numbers to JSON strings");
      extras[k] = val;
    }
    c.extras = extras;
  }
  return c;
}

/** Where an exported object's checkpoint lives: `<fromSeq>-<toSeq>.ndjson` → `<fromSeq>-<toSeq>.checkpoint.json`. */
export function checkpointKeyFor(objectKey: string): string {
  return objectKey.replace(/\.ndjson$/, "") + ".checkpoint.json";
}
