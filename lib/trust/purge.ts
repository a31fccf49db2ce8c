import { sign, verify, type KeyObject } from "node:crypto";
import { sql } from "kysely";
import type { Store } from "../db/client";
import { GENESIS_CHAIN } from "./chain";
import { latestPurge, recomputeRange } from "./range";
import { MIN_RETENTION_DAYS } from "./retention";
import { keyIdOf, loadSigningKey } from "./signing-key";

/**
 * Retention purge (docs/SECURITY.md): the only way events ever leave the store. It deletes the
 * longest sequence prefix of an organization's events whose time AND ingest time are both
 * older than the retention period, after re-hashing that prefix, and records itself first:
 * organization, last sequence purged, the chain at it (verification restarts from it),
 * count, time, signed with the instance's key. The database refuses any other deletion.
 */
export const PURGE_FORMAT = "orgtrail.purge/v1";
const DAY_MS = 86_400_000;
/** Events per purge at most; the daily job continues where the last one stopped. */
export const MAX_EVENTS_PER_PURGE = 1_000_000;

export class PurgeError extends Error {}

export interface PurgeRecord {
  org: string;
  upToSeq: number;
  chainHead: string;
  count: number;
  /** Epoch milliseconds. */
  purgedAt: number;
  keyId: string;
  signature: string;
}

export function purgeMessage(r: Omit<PurgeRecord, "signature">): Buffer {
  return Buffer.from(
    `${PURGE_FORMAT}\norg ${r.org}\nupto ${r.upToSeq}\nhead ${r.chainHead}\ncount ${r.count}\ntime ${new Date(r.purgedAt).toISOString()}\nkey ${r.keyId}\n`,
    "utf8",
  );
}

export function purgeSignatureProblem(r: PurgeRecord, publicKey: KeyObject): string | null {
  const expected = keyIdOf(publicKey);
  if (r.keyId !== expected) return `signed by another key (key id ${r.keyId}, expected ${expected})`;
  try {
    if (verify(null, purgeMessage(r), publicKey, Buffer.from(r.signature, "base64"))) return null;
  } catch {
    // malformed signature: reported below
  }
  return "bad signature (the purge record was altered or forged)";
}

export interface PurgeResult {
  org: string;
  cutoff: string;
  retentionDays: number;
  /** First and last sequence numbers purged (or that a dry run would purge); null when none. */
  fromSeq: number | null;
  upToSeq: number | null;
  count: number;
  dryRun: boolean;
  record?: PurgeRecord;
}

export async function purgeExpired(
  store: Store,
  orgId: number,
  options: { retentionDays: number; dryRun?: boolean; now?: number; maxEvents?: number },
): Promise<PurgeResult> {
  const { retentionDays } = options;
  if (!Number.isSafeInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS)
    throw new PurgeError(`retention must be at least ${MIN_RETENTION_DAYS} days (six years), not ${retentionDays}`);
  const now = options.now ?? Date.now();
  const cutoff = now - retentionDays * DAY_MS;
  const org = await store.db.selectFrom("organizations").select(["slug", "last_seq"]).where("id", "=", orgId).executeTakeFirstOrThrow();
  const last = await latestPurge(store, orgId);
  const fromSeq = last ? Number(last.up_to_seq) + 1 : 1;
  const prevHead = last ? last.chain_head : GENESIS_CHAIN;
  const lastSeq = Number(org.last_seq);
  const base: PurgeResult = {
    org: org.slug,
    cutoff: new Date(cutoff).toISOString(),
    retentionDays,
    fromSeq: null,
    upToSeq: null,
    count: 0,
    dryRun: options.dryRun ?? false,
  };
  if (fromSeq > lastSeq) return base;

  // The first event still within the retention period ends the prefix.
  const firstKept = await store.db
    .selectFrom("events")
    .select((eb) => eb.fn.min("seq").as("seq"))
    .where("org_id", "=", orgId)
    .where("seq", ">=", fromSeq)
    .where((eb) => eb.or([eb("ts", ">=", cutoff), eb("ingested_at", ">=", cutoff)]))
    .executeTakeFirst();
  const keptSeq = firstKept?.seq == null ? lastSeq + 1 : Number(firstKept.seq);
  const upToSeq = Math.min(keptSeq - 1, fromSeq - 1 + (options.maxEvents ?? MAX_EVENTS_PER_PURGE));
  if (upToSeq < fromSeq) return base;
  const count = upToSeq - fromSeq + 1;
  if (options.dryRun) return { ...base, fromSeq, upToSeq, count };

  // Never destroy evidence of tampering: the prefix must verify before it goes.
  const walked = await recomputeRange(store, orgId, fromSeq, upToSeq, prevHead);
  if (!walked.ok) throw new PurgeError(`${org.slug}: refusing to purge: event ${walked.firstBadSeq}: ${walked.reason}`);

  const key = loadSigningKey();
  const unsigned = { org: org.slug, upToSeq, chainHead: walked.head, count, purgedAt: now, keyId: key.keyId };
  const record: PurgeRecord = { ...unsigned, signature: sign(null, purgeMessage(unsigned), key.privateKey).toString("base64") };
  if (store.dialect === "postgres") {
    await sql`SELECT orgtrail_purge_events(${orgId}::integer, ${upToSeq}::bigint, ${record.chainHead}, ${count}::bigint,
      ${record.purgedAt}::bigint, ${record.keyId}, ${record.signature}, ${retentionDays}::integer)`.execute(store.db);
  } else {
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("event_purges")
        .values({
          org_id: orgId,
          up_to_seq: upToSeq,
          chain_head: record.chainHead,
          count,
          purged_at: record.purgedAt,
          key_id: record.keyId,
          signature: record.signature,
        })
        .execute();
      const deleted = await trx.deleteFrom("events").where("org_id", "=", orgId).where("seq", ">=", fromSeq).where("seq", "<=", upToSeq).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== count) throw new PurgeError(`${org.slug}: expected to purge ${count} events, found ${deleted.numDeletedRows}`);
    });
  }
  return { ...base, fromSeq, upToSeq, count, record };
}
