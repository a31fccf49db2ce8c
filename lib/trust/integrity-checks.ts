// "Verify now" on the Data page: one organization's chain and signatures re-checked (verifyOrg),
// the outcome kept in integrity_checks (migration 0029) so the page can say what was verified,
// when and by whom. One verification per organization at a time in this process: a second
// request while one runs is refused (409) rather than walking the same millions of events twice.
import type { Kysely } from "kysely";
import type { Store } from "../db/client";
import type { Database, IntegrityChecksTable } from "../db/types";
import type { IntegrityCheckView } from "../sources/data-views";
import { verifyOrg } from "./verify";

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const running = new Map<number, number>();

/** A verification of the organization is already running in this process. */
export class VerificationRunningError extends Error {
  constructor(readonly startedAt: number) {
    super(`a verification of this organization is already running (started ${iso(startedAt)})`);
  }
}

/** When the running verification of the organization started (this process), or null. */
export function verificationStartedAt(orgId: number): number | null {
  return running.get(orgId) ?? null;
}

export function integrityCheckView(r: Omit<IntegrityChecksTable, "id" | "org_id" | "account_id">): IntegrityCheckView {
  return {
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    actor: r.actor,
    ok: Number(r.ok) === 1,
    events: Number(r.events),
    fromSeq: Number(r.from_seq),
    lastSeq: Number(r.last_seq),
    checkpoints: Number(r.checkpoints),
    unsignedTail: Number(r.unsigned_tail),
    firstBadSeq: r.first_bad_seq === null ? null : Number(r.first_bad_seq),
    reason: r.reason,
  };
}

export async function latestIntegrityCheck(db: Kysely<Database>, orgId: number): Promise<IntegrityCheckView | null> {
  const row = await db
    .selectFrom("integrity_checks")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("finished_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? integrityCheckView(row) : null;
}

export interface RunIntegrityCheckOptions {
  accountId: number | null;
  actor: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Verifies the organization now and records the outcome; VerificationRunningError when one is already running here. */
export async function runIntegrityCheck(store: Store, orgId: number, o: RunIntegrityCheckOptions): Promise<IntegrityCheckView> {
  const since = running.get(orgId);
  if (since !== undefined) throw new VerificationRunningError(since);
  const startedAt = Date.now();
  running.set(orgId, startedAt);
  try {
    const r = await verifyOrg(store, orgId, { signal: o.signal, onProgress: o.onProgress });
    const row = {
      org_id: orgId,
      account_id: o.accountId,
      actor: o.actor.slice(0, 200),
      started_at: startedAt,
      finished_at: Date.now(),
      ok: r.ok ? 1 : 0,
      events: r.events,
      from_seq: r.fromSeq,
      last_seq: r.lastSeq,
      checkpoints: r.checkpoints,
      unsigned_tail: r.unsignedTail,
      first_bad_seq: r.firstBadSeq,
      reason: r.ok ? null : (r.reason ?? "verification failed").slice(0, 1000),
    };
    await store.db.insertInto("integrity_checks").values(row).execute();
    return integrityCheckView(row);
  } finally {
    running.delete(orgId);
  }
}
