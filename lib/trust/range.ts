import type { Store } from "../db/client";
import { nextChain, tryEventLeaf } from "./chain";

/** What is wrong with the stored log, at the first sequence number where it shows. */
export interface ChainProblem {
  firstBadSeq: number | null;
  code: "edited_event" | "chain_mismatch" | "missing_event" | "truncated" | "checkpoint_mismatch" | "bad_checkpoint" | "bad_purge_record";
  reason: string;
}

export type RangeResult = { ok: true; head: string; lastSeq: number; count: number; extras: Record<string, string> } | ({ ok: false } & ChainProblem);

const PAGE = 5_000;

/**
 * Re-walks an organization's events from `fromSeq` (chain `prevHead` before it) to `toSeq`
 * (null: to the last stored row), in keyset pages so memory stays flat. Each event's body and
 * unknown keys must hash to its dedupe key, the chain must link through each stored chain
 * column, and sequence numbers must be contiguous. `check` runs after each event with the
 * recomputed chain (signed checkpoints hook in there). Stops at the first problem.
 */
export async function recomputeRange(
  store: Store,
  orgId: number,
  fromSeq: number,
  toSeq: number | null,
  prevHead: string,
  options: { collectExtras?: boolean; check?: (seq: number, chain: string) => ChainProblem | null; signal?: AbortSignal } = {},
): Promise<RangeResult> {
  let head = prevHead;
  let expected = fromSeq;
  const extras: Record<string, string> = {};
  for (;;) {
    options.signal?.throwIfAborted();
    let q = store.db
      .selectFrom("events")
      .select(["seq", "dedupe_key", "body", "extra", "chain"])
      .where("org_id", "=", orgId)
      .where("seq", ">=", expected)
      .orderBy("seq")
      .limit(PAGE);
    if (toSeq !== null) q = q.where("seq", "<=", toSeq);
    const rows = await q.execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected)
        return { ok: false, firstBadSeq: expected, code: "missing_event", reason: `event ${expected} is missing (the next stored event is ${seq})` };
      if (tryEventLeaf(row.body, row.extra) !== row.dedupe_key)
        return { ok: false, firstBadSeq: seq, code: "edited_event", reason: `event ${seq} was altered: its content no longer hashes to its dedupe key` };
      if (!/^[0-9a-f]{64}$/.test(row.dedupe_key)) return { ok: false, firstBadSeq: seq, code: "edited_event", reason: `event ${seq}: malformed dedupe key` };
      head = nextChain(head, seq, row.dedupe_key);
      if (row.chain !== head)
        return {
          ok: false,
          firstBadSeq: seq,
          code: "chain_mismatch",
          reason: `event ${seq}: the hash chain breaks here (an event was changed, removed, inserted or reordered)`,
        };
      if (options.collectExtras && row.extra !== null) extras[String(seq)] = row.extra;
      const problem = options.check?.(seq, head);
      if (problem) return { ok: false, ...problem };
      expected++;
    }
    if (rows.length < PAGE) break;
    // SQLite answers synchronously and `await` alone continues in a microtask, so a walk of
    // millions of events would hold the event loop from start to end: the server would answer
    // nothing (not even /api/health) during the first checkpoint after a large ingest, and
    // Node drops requests whose headers wait longer than 60 s. Let other work in between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (toSeq !== null && expected <= toSeq)
    return { ok: false, firstBadSeq: expected, code: "missing_event", reason: `events ${expected}-${toSeq} are missing` };
  return { ok: true, head, lastSeq: expected - 1, count: expected - fromSeq, extras };
}

/** The latest purge of an organization's log (where its chain now starts), or undefined. */
export async function latestPurge(store: Store, orgId: number): Promise<{ up_to_seq: number; chain_head: string } | undefined> {
  const row = await store.db
    .selectFrom("event_purges")
    .select(["up_to_seq", "chain_head"])
    .where("org_id", "=", orgId)
    .orderBy("up_to_seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row && { up_to_seq: Number(row.up_to_seq), chain_head: row.chain_head };
}
