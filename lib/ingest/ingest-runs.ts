// The record of uploads the Data page lists (table ingest_runs, migration 0028): written once per
// ingest or users import by its caller (the HTTP routes, the CLI, the upstream pull), never by the
// ingest pipeline itself. A record that cannot be written is logged, never fails the upload: the
// events are already stored, and the answer the client waits for says so.
import { userInfo } from "node:os";
import type { Kysely } from "kysely";
import type { Database } from "../db/types";

export type IngestRunKind = "events" | "users";
export type IngestRunSource = "browser" | "api" | "cli" | "pull";

/** Rejected lines kept with a run (all of them are counted; the first ones are kept to show). */
export const REJECTED_SAMPLE = 20;

export interface IngestRunRecord {
  orgId: number;
  kind: IngestRunKind;
  source: IngestRunSource;
  label?: string | null;
  accountId?: number | null;
  actor: string;
  startedAt: number;
  finishedAt?: number;
  /** A run that stopped early (body too large, aborted, an upstream error) is `failed`. */
  error?: string | null;
  accepted: number;
  duplicates?: number;
  skipped?: number;
  rejected: number;
  rejectedSample?: { line: number; error: string }[];
  detail?: Record<string, unknown>;
}

/** Who ran a CLI command: orgtrail has no account there, so the operating-system user. */
export function cliActor(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return "cli";
  }
}

/** `browser` when the call came with the page's session cookie, `api` with Basic credentials. */
export function httpSource(request: Request): IngestRunSource {
  return request.headers.get("authorization") ? "api" : "browser";
}

/** A file name sent by the page (`?name=`), kept short and printable. */
export function cleanLabel(name: string | undefined | null): string | null {
  if (!name) return null;
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return printable ? printable.slice(0, 200) : null;
}

export async function recordIngestRun(db: Kysely<Database>, r: IngestRunRecord): Promise<void> {
  try {
    await db
      .insertInto("ingest_runs")
      .values({
        org_id: r.orgId,
        kind: r.kind,
        source: r.source,
        label: r.label ?? null,
        account_id: r.accountId ?? null,
        actor: r.actor.slice(0, 200),
        started_at: r.startedAt,
        finished_at: r.finishedAt ?? Date.now(),
        status: r.error ? "failed" : "ok",
        accepted: r.accepted,
        duplicates: r.duplicates ?? 0,
        skipped: r.skipped ?? 0,
        rejected: r.rejected,
        rejected_sample: r.rejectedSample && r.rejectedSample.length > 0 ? JSON.stringify(r.rejectedSample.slice(0, REJECTED_SAMPLE)) : null,
        error: r.error ? r.error.slice(0, 500) : null,
        detail: r.detail ? JSON.stringify(r.detail) : null,
      })
      .execute();
  } catch (error) {
    console.error(
      `orgtrail: could not record the ${r.source} ${r.kind} upload of organization ${r.orgId}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
