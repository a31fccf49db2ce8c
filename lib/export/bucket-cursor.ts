import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { loadCheckpoint, saveCheckpoint } from "../jobs/state";

/** The export job's name, and the job_state row holding every export cursor. */
export const BUCKET_EXPORT_JOB = "bucket-export";

/** Per target URL and organization slug: the highest sequence number verified in the bucket. */
interface Cursors {
  targets: Record<string, Record<string, number>>;
}

function parse(text: string | null): Cursors {
  if (!text) return { targets: {} };
  try {
    const value = JSON.parse(text) as Partial<Cursors>;
    return { targets: value.targets && typeof value.targets === "object" ? value.targets : {} };
  } catch {
    return { targets: {} };
  }
}

export async function loadExportCursors(db: Kysely<Database>, targetUrl: string): Promise<Record<string, number>> {
  return parse(await loadCheckpoint(db, BUCKET_EXPORT_JOB)).targets[targetUrl] ?? {};
}

/**
 * Moves one organization's cursor forward (never back: a slower concurrent exporter, e.g. the
 * CLI beside the server, cannot undo progress). Read and write share one transaction.
 */
export async function advanceExportCursor(db: Kysely<Database>, targetUrl: string, org: string, seq: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const cursors = parse(await loadCheckpoint(trx, BUCKET_EXPORT_JOB));
    const target = (cursors.targets[targetUrl] ??= {});
    if ((target[org] ?? 0) >= seq) return;
    target[org] = seq;
    await saveCheckpoint(trx, BUCKET_EXPORT_JOB, JSON.stringify(cursors));
  });
}

/** Drops an organization's cursors on every target (its removal: a later one of the same name starts over). */
export async function forgetExportCursors(db: Kysely<Database>, org: string): Promise<void> {
  const text = await loadCheckpoint(db, BUCKET_EXPORT_JOB);
  if (text === null) return;
  const cursors = parse(text);
  let changed = false;
  for (const target of Object.values(cursors.targets)) {
    if (org in target) {
      delete target[org];
      changed = true;
    }
  }
  if (changed) await saveCheckpoint(db, BUCKET_EXPORT_JOB, JSON.stringify(cursors));
}
