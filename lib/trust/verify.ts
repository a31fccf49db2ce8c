import type { KeyObject } from "node:crypto";
import type { Store } from "../db/client";
import { GENESIS_CHAIN } from "./chain";
import { checkpointFromRow, checkpointSignatureProblem, type Checkpoint } from "./checkpoint";
import { purgeSignatureProblem, type PurgeRecord } from "./purge";
import { recomputeRange, type ChainProblem } from "./range";
import { loadSigningKey, signingKeyFilePath, SigningKeyError } from "./signing-key";

export interface VerifyOptions {
  /** Default: the public half of the instance's signing key file (when it exists). */
  publicKey?: KeyObject;
  /** Checkpoints kept outside the store (exported beside the NDJSON objects, or saved elsewhere). */
  exported?: { checkpoint: Checkpoint; source: string }[];
  signal?: AbortSignal;
  /** Called every PROGRESS_EVERY events of the walk with the events checked so far and the total to check. */
  onProgress?: (done: number, total: number) => void;
}

const PROGRESS_EVERY = 5_000;

export interface OrgVerification {
  org: string;
  ok: boolean;
  /** The first sequence number that cannot be trusted (null when the problem is a forged checkpoint or purge record only). */
  firstBadSeq: number | null;
  code?: ChainProblem["code"];
  reason?: string;
  /** Every problem found (the walk stops at the first bad event). */
  problems: ChainProblem[];
  /** The first event checked (after the latest purge) and the last one. */
  fromSeq: number;
  lastSeq: number;
  events: number;
  checkpoints: number;
  purges: number;
  /** Events after the latest valid checkpoint: their chain is checked but no signature covers them yet. */
  unsignedTail: number;
}

interface Expectation {
  head: string;
  label: string;
}

function publicKeyFor(options: VerifyOptions): KeyObject | null {
  if (options.publicKey) return options.publicKey;
  try {
    return loadSigningKey({ create: false }).publicKey;
  } catch (error) {
    if (error instanceof SigningKeyError) return null;
    throw error;
  }
}

/**
 * Re-walks one organization's chain from its latest purge record (or the genesis) and checks
 * every signature: purge records, the store's checkpoints and any exported ones. Names the
 * first bad sequence number.
 */
export async function verifyOrg(store: Store, orgId: number, options: VerifyOptions = {}): Promise<OrgVerification> {
  const org = await store.db.selectFrom("organizations").select(["slug", "last_seq", "chain_head"]).where("id", "=", orgId).executeTakeFirstOrThrow();
  const slug = org.slug;
  const publicKey = publicKeyFor(options);
  const noKey = `no public key to check its signature (${signingKeyFilePath()} is missing; pass --public-key)`;
  const problems: ChainProblem[] = [];

  // Purge records: each must be signed and account for exactly the events it removed.
  const purgeRows = await store.db.selectFrom("event_purges").selectAll().where("org_id", "=", orgId).orderBy("up_to_seq").execute();
  let purgedThrough = 0;
  let startHead = GENESIS_CHAIN;
  for (const row of purgeRows) {
    const record: PurgeRecord = {
      org: slug,
      upToSeq: Number(row.up_to_seq),
      chainHead: row.chain_head,
      count: Number(row.count),
      purgedAt: Number(row.purged_at),
      keyId: row.key_id,
      signature: row.signature,
    };
    const bad = publicKey ? purgeSignatureProblem(record, publicKey) : noKey;
    const where = `purge record of events ${purgedThrough + 1}-${record.upToSeq}`;
    if (bad) problems.push({ firstBadSeq: purgedThrough + 1, code: "bad_purge_record", reason: `${where}: ${bad}` });
    else if (record.count !== record.upToSeq - purgedThrough)
      problems.push({ firstBadSeq: purgedThrough + 1, code: "bad_purge_record", reason: `${where}: counts ${record.count} events` });
    purgedThrough = record.upToSeq;
    startHead = record.chainHead;
  }
  const fromSeq = purgedThrough + 1;

  // Checkpoints: the store's and the exported ones; forged ones are reported, valid ones set
  // what the chain must be at their two ends.
  const rows = await store.db.selectFrom("checkpoints").selectAll().where("org_id", "=", orgId).orderBy("to_seq").execute();
  const all = [
    ...rows.map((r) => ({ checkpoint: checkpointFromRow(slug, r), source: "store" })),
    ...(options.exported ?? []).filter((e) => e.checkpoint.org === slug),
  ];
  const expect = new Map<number, Expectation[]>();
  const addExpectation = (seq: number, e: Expectation) => {
    const list = expect.get(seq);
    if (list) list.push(e);
    else expect.set(seq, [e]);
  };
  let signedThrough = 0;
  let checked = 0;
  for (const { checkpoint: c, source } of all) {
    const label = `checkpoint ${c.fromSeq}-${c.toSeq} (${source})`;
    const bad = publicKey ? checkpointSignatureProblem(c, publicKey) : noKey;
    if (bad) {
      problems.push({ firstBadSeq: null, code: "bad_checkpoint", reason: `${label}: ${bad}` });
      continue;
    }
    checked++;
    signedThrough = Math.max(signedThrough, c.toSeq);
    for (const [seq, head] of [
      [c.fromSeq - 1, c.prevHead],
      [c.toSeq, c.head],
    ] as const) {
      if (seq === 0) {
        if (head !== GENESIS_CHAIN) problems.push({ firstBadSeq: 1, code: "checkpoint_mismatch", reason: `${label}: does not start from the genesis` });
      } else if (seq === purgedThrough) {
        if (head !== startHead)
          problems.push({ firstBadSeq: fromSeq, code: "checkpoint_mismatch", reason: `${label}: disagrees with the purge record at ${seq}` });
      } else if (seq > purgedThrough) addExpectation(seq, { head, label });
    }
  }

  let confirmed = purgedThrough;
  const total = Math.max(0, Number(org.last_seq) - purgedThrough);
  options.onProgress?.(0, total);
  const walked = await recomputeRange(store, orgId, fromSeq, null, startHead, {
    signal: options.signal,
    check(seq, chain) {
      if (options.onProgress && (seq - purgedThrough) % PROGRESS_EVERY === 0) options.onProgress(seq - purgedThrough, total);
      const list = expect.get(seq);
      if (!list) return null;
      const wrong = list.find((e) => e.head !== chain);
      if (wrong)
        return {
          firstBadSeq: confirmed + 1,
          code: "checkpoint_mismatch",
          reason: `events ${confirmed + 1}-${seq} were rewritten: the chain at ${seq} differs from the signed ${wrong.label}`,
        };
      confirmed = seq;
      return null;
    },
  });
  const lastSeq = Number(org.last_seq);
  let walkedThrough: number;
  if (!walked.ok) {
    problems.push(walked);
    walkedThrough = (walked.firstBadSeq ?? fromSeq) - 1;
  } else {
    walkedThrough = walked.lastSeq;
    if (walked.lastSeq < lastSeq)
      problems.push({
        firstBadSeq: walked.lastSeq + 1,
        code: "truncated",
        reason: `events ${walked.lastSeq + 1}-${lastSeq} are missing (the log was truncated)`,
      });
    else if (walked.lastSeq > lastSeq)
      problems.push({
        firstBadSeq: lastSeq + 1,
        code: "chain_mismatch",
        reason: `the organization's last sequence number (${lastSeq}) is behind its events (${walked.lastSeq})`,
      });
    else if (walked.head !== org.chain_head)
      problems.push({
        firstBadSeq: confirmed + 1,
        code: "chain_mismatch",
        reason: `the organization's chain head does not match its events after ${confirmed}`,
      });
    if (walked.lastSeq < signedThrough) {
      const source = all.filter((e) => e.checkpoint.toSeq === signedThrough).map((e) => e.source)[0] ?? "store";
      problems.push({
        firstBadSeq: walked.lastSeq + 1,
        code: "truncated",
        reason: `events ${walked.lastSeq + 1}-${signedThrough} are missing: a signed checkpoint (${source}) covers up to ${signedThrough} but the store ends at ${walked.lastSeq}`,
      });
    }
  }

  const seqs = problems.map((p) => p.firstBadSeq).filter((s): s is number => s !== null);
  const firstBadSeq = seqs.length > 0 ? Math.min(...seqs) : null;
  const first = problems.find((p) => p.firstBadSeq === firstBadSeq) ?? problems[0];
  return {
    org: slug,
    ok: problems.length === 0,
    firstBadSeq,
    ...(first ? { code: first.code, reason: first.reason } : {}),
    problems,
    fromSeq,
    lastSeq: walkedThrough,
    events: Math.max(0, walkedThrough - purgedThrough),
    checkpoints: checked,
    purges: purgeRows.length,
    unsignedTail: Math.max(0, walkedThrough - Math.max(signedThrough, purgedThrough)),
  };
}

/** Verifies every organization (or the named ones). */
export async function verifyStore(store: Store, options: VerifyOptions & { orgs?: string[] } = {}): Promise<{ ok: boolean; orgs: OrgVerification[] }> {
  let q = store.db.selectFrom("organizations").select(["id", "slug"]).orderBy("slug");
  if (options.orgs && options.orgs.length > 0) q = q.where("slug", "in", options.orgs);
  const orgs = await q.execute();
  const results: OrgVerification[] = [];
  for (const o of orgs) results.push(await verifyOrg(store, o.id, options));
  return { ok: results.every((r) => r.ok), orgs: results };
}
